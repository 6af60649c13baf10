// One hex formatter for every package: @bolt/packstream's.
export { fromHex, type HexOptions, hex } from '@bolt/packstream';
