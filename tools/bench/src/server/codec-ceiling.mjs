// The fair ceiling of the server suite: the work a Bolt server cannot avoid, done by
// @bolt/packstream + @bolt/chunking alone, in the server's own process. Records are encoded
// into RECORD messages and framed; requests are dechunked and decoded, and their answers encoded
// and framed; the framed bytes are taken out of the writer every 64 KiB, as a server hands them
// to its transport. No state machine, no handler, no socket.
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { boltStructs, Decoder, Encoder } from '@bolt/packstream';

const FLUSH = 64 * 1024;
const RECORD = 0x71;
const SUCCESS = 0x70;
const RUN = 0x10;
const PULL = 0x3f;

/**
 * @param version the negotiated Bolt version
 * @param answers the metadata our server answers a `RETURN 1 AS n` with: `run` (RUN SUCCESS),
 *   `record` (its one record) and `summary` (PULL SUCCESS), so both produce the same bytes
 */
export function codecCeiling(version, answers) {
  const structs = boltStructs(version);
  const encoder = new Encoder({ structs });
  const decoder = new Decoder({ structs });
  const writer = new ChunkWriter();
  const field = [undefined];
  let out = 0; // bytes produced (so that nothing is optimized away)

  const message = (tag, value) => {
    field[0] = value;
    writer.beginMessage();
    encoder.encodeStructInto(writer.out, tag, field);
    writer.endMessage();
  };
  const take = () => {
    out += writer.flush().length;
  };
  const dechunker = new Dechunker({
    onMessage: (body) => {
      const request = decoder.decodeStruct(body);
      if (request.tag === RUN) message(SUCCESS, answers.run);
      else if (request.tag === PULL) {
        message(RECORD, answers.record);
        message(SUCCESS, answers.summary);
      }
      if (writer.length >= FLUSH) take();
    },
  });

  return {
    /** Encode and frame every row of `table` as a RECORD. Returns the records encoded. */
    stream(table) {
      for (let i = 0; i < table.length; i++) {
        message(RECORD, table[i]);
        if (writer.length >= FLUSH) take();
      }
      take();
      return table.length;
    },
    /** Answer the RUN+PULL pairs in `bytes`. Returns the bytes of the answers. */
    answer(bytes) {
      const before = out;
      dechunker.push(bytes);
      take();
      return out - before;
    },
  };
}
