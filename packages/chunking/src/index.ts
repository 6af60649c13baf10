export { ChunkWriter, type ChunkWriterOptions } from './chunk-writer';
export { ChunkingError, type ChunkingErrorCode } from './chunking-error';
export { Dechunker, type DechunkerOptions } from './dechunker';
