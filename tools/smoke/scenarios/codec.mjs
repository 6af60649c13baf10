// Codec only: a user who installed @bolt/packstream alone encodes and decodes Bolt values.
import {
  Date as BoltDate,
  boltStructs,
  DateTime,
  Decoder,
  Encoder,
  float,
  Node,
  PackStreamError,
  Point,
} from '@bolt/packstream';
import { check, done, same } from './check.mjs';

await check('codec: a round trip keeps every value and its class', () => {
  const structs = boltStructs({ major: 5, minor: 8 });
  const value = {
    int: 10,
    big: 2n ** 62n,
    ratio: 0.5,
    one: float(1),
    text: 'héllo',
    bytes: new Uint8Array([1, 2, 3]),
    list: [1, 'two', null, true],
    node: new Node(7, ['Person'], { name: 'Ann' }, '4:db:7'),
    date: new BoltDate(2024, 2, 29),
    at: new DateTime(2024, 3, 31, 2, 30, 0, 0, 3600),
    point: new Point(7203, 1, 2),
  };
  const bytes = new Encoder({ structs }).encode(value);
  const back = new Decoder({ structs }).decode(bytes);
  same(back.int, 10, 'int');
  same(back.big, 2n ** 62n, 'bigint');
  same(back.one, 1, 'float(1)');
  same(back.text, 'héllo', 'text');
  same(back.bytes.join(), '1,2,3', 'bytes');
  same(back.list.join(), '1,two,,true', 'list');
  same(back.node instanceof Node, true, 'node instanceof Node');
  same(back.node.properties.name, 'Ann', 'node property');
  same(back.date instanceof BoltDate, true, 'date instanceof Date');
  same(back.date.toString(), '2024-02-29', 'date');
  same(back.at.toString(), value.at.toString(), 'datetime');
  same(back.point.toString(), value.point.toString(), 'point');
});

await check('codec: class names survive the build (no _Date, _Node)', () => {
  same(BoltDate.name, 'Date', 'Date.name');
  same(Node.name, 'Node', 'Node.name');
  same(PackStreamError.name, 'PackStreamError', 'PackStreamError.name');
  same(new BoltDate(2024, 1, 1).constructor.name, 'Date', 'instance constructor name');
});

await check('codec: bad input is a typed PackStreamError', () => {
  try {
    new Decoder().decode(new Uint8Array([0xd0, 0xff]));
  } catch (e) {
    same(PackStreamError.isInstance(e), true, 'isInstance');
    same(e.code, 'TRUNCATED', 'code');
    return;
  }
  throw new Error('no error');
});

done();
