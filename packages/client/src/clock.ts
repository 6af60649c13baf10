// One clock shape for client and server: @bolt/parser's.
export { type Clock, isClock, systemClock } from '@bolt/parser';
