import type { Structure } from './structure';

/** How one structure tag maps to a JS type and back. */
export interface StructSpec<T = unknown> {
  /** The tag byte, 0–255 (Bolt uses 0x00–0x7F). */
  tag: number;
  /** Accepted field count(s) when decoding; other counts fail with INVALID_STRUCT. */
  fields: number | readonly number[];
  /** Build the value from decoded (already hydrated) fields. Throw to reject bad field types. */
  hydrate(fields: unknown[]): T;
  /** The class whose instances `dehydrate` encodes (looked up by `value.constructor`). */
  type?: abstract new (
    ...args: any[]
  ) => T;
  /** Turn a value of `type` into the structure to write. */
  dehydrate?(value: T): Structure;
}

/** Internal, resolved form of a spec used by the decoder. */
export interface ResolvedSpec {
  tag: number;
  counts: readonly number[];
  hydrate(fields: unknown[]): unknown;
}

/**
 * Tag → hydrate, class → dehydrate. One registry per Bolt version (see `boltStructs`); the
 * registries it returns are sealed and shared, so call `extend()` to add your own tags.
 */
export class StructRegistry {
  /** @internal by tag byte */
  readonly byTag: (ResolvedSpec | undefined)[] = new Array(256).fill(undefined);
  /** @internal by constructor */
  readonly byType = new Map<Function, (value: any) => Structure>();
  #sealed = false;
  #uuid: boolean;

  private constructor(uuid: boolean) {
    this.#uuid = uuid;
  }

  /**
   * A registry with no tags: every structure decodes to a generic `Structure`.
   * @param options.uuid allow the UUID marker `E0` (Bolt 6.1+). Default false.
   */
  static empty(options: { uuid?: boolean } = {}): StructRegistry {
    return new StructRegistry(options.uuid ?? false);
  }

  /** Whether the UUID marker `E0` is allowed (Bolt 6.1+). */
  get uuid(): boolean {
    return this.#uuid;
  }

  /** Whether `register` is refused (registries shared by `boltStructs` are sealed). */
  get sealed(): boolean {
    return this.#sealed;
  }

  /** Add or replace a tag (and, with `type` + `dehydrate`, how to encode that class). */
  register<T>(spec: StructSpec<T>): this {
    if (this.#sealed) {
      throw new TypeError(
        'this StructRegistry is shared and sealed; call extend() to get a copy you can add to',
      );
    }
    if (!Number.isInteger(spec.tag) || spec.tag < 0 || spec.tag > 255) {
      throw new TypeError(`struct tag must be an integer 0..255, got ${spec.tag}`);
    }
    const counts = typeof spec.fields === 'number' ? [spec.fields] : [...spec.fields];
    for (const c of counts) {
      if (!Number.isInteger(c) || c < 0 || c > 15)
        throw new TypeError(`field count must be 0..15, got ${c}`);
    }
    this.byTag[spec.tag] = {
      tag: spec.tag,
      counts,
      hydrate: spec.hydrate as (f: unknown[]) => unknown,
    };
    if (spec.type && spec.dehydrate) {
      this.byType.set(spec.type, spec.dehydrate as (value: any) => Structure);
    }
    return this;
  }

  /** Remove a tag (its values then decode as generic `Structure`). */
  unregister(tag: number): this {
    if (this.#sealed) throw new TypeError('this StructRegistry is sealed; call extend() first');
    this.byTag[tag] = undefined;
    return this;
  }

  /**
   * An unsealed copy to add user tags to.
   * @param options.uuid allow the UUID marker `E0`. Default: the same as this registry.
   */
  extend(options: { uuid?: boolean } = {}): StructRegistry {
    const copy = new StructRegistry(options.uuid ?? this.#uuid);
    for (let i = 0; i < 256; i++) copy.byTag[i] = this.byTag[i];
    for (const [k, v] of this.byType) copy.byType.set(k, v);
    return copy;
  }

  /** Refuse further `register` calls. Returns this. */
  seal(): this {
    this.#sealed = true;
    return this;
  }

  /** The tags this registry hydrates. */
  tags(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 256; i++) if (this.byTag[i]) out.push(i);
    return out;
  }
}
