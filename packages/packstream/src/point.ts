import { formatValue } from './format-value';

/** A spatial point: 2D when `z` is undefined, 3D otherwise. Coordinates always travel as FLOAT. */
export class Point {
  constructor(
    /** Coordinate reference system: 7203 Cartesian 2D, 9157 Cartesian 3D, 4326 WGS-84 2D, 4979 WGS-84 3D. */
    public srid: number,
    public x: number,
    public y: number,
    public z?: number,
  ) {}

  toString(): string {
    const f = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : formatValue(n));
    const z = this.z === undefined ? '' : `, z: ${f(this.z)}`;
    return `point({srid: ${this.srid}, x: ${f(this.x)}, y: ${f(this.y)}${z}})`;
  }
}
