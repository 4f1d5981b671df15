export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/**
 * One JSON object per line: Workers Logs indexes the fields. Callers pass identifiers and
 * measurements only — never tokens, secrets, request bodies or personal data.
 */
export function createLogger(base: LogFields = {}, minLevel: LogLevel = "info"): Logger {
  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[level] < RANK[minLevel]) return;
    const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...base, ...fields });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ ...base, ...fields }, minLevel),
  };
}

/** Error details safe to log: name, message, SQLSTATE and stack, walking `cause`. */
export function describeError(error: unknown, options: { stack?: boolean } = {}): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.name,
    error_message: error.message,
    ...(typeof code === "string" ? { error_code: code } : {}),
    ...(options.stack === false ? {} : { stack: error.stack }),
    ...(error.cause ? { cause: describeError(error.cause, options) } : {}),
  };
}
