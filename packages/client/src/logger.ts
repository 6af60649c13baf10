// One logger shape for client and server: @bolt/parser's.
export { consoleLogger, type Logger, type LogLevel } from '@bolt/parser';
