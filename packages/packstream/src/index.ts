export {
  type BoltStructsOptions,
  type BoltVersionLike,
  boltStructs,
  LATEST_BOLT_VERSION,
} from './bolt-structs';
export { ByteWriter } from './byte-writer';
export { Date } from './date';
export { DateTime } from './date-time';
export { Decoder, type DecoderOptions, type IntegerMode } from './decoder';
export { Duration } from './duration';
export { Encoder, type EncoderOptions } from './encoder';
export { Float, float } from './float';
export { fromHex, type HexOptions, hex } from './hex';
export { LocalDateTime } from './local-date-time';
export { LocalTime } from './local-time';
export { MAX_DEPTH_LIMIT } from './max-depth';
export { Node } from './node';
export { PackStreamError, type PackStreamErrorCode } from './packstream-error';
export { Path } from './path';
export { PathSegment } from './path-segment';
export { Point } from './point';
export { Relationship } from './relationship';
export { type ScalarListOptions, ScalarListReader } from './scalar-list';
export { type StructFeatures, structFeatures } from './struct-features';
export { StructRegistry, type StructSpec } from './struct-registry';
export { Structure } from './structure';
export { Time } from './time';
export { UnboundRelationship } from './unbound-relationship';
export { UnsupportedType } from './unsupported-type';
export { Uuid } from './uuid';
export { Vector, type VectorType, type VectorValues } from './vector';
