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

/**
 * Error details safe to log: name, message, SQLSTATE and stack, walking `cause` (and the Neon
 * driver's `sourceError`). A failed query is logged with its SQL text but never its parameters,
 * which can hold personal data.
 */
export function describeError(error: unknown, options: { stack?: boolean } = {}): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const { code, query, params, sourceError } = error as {
    code?: unknown;
    query?: unknown;
    params?: unknown;
    sourceError?: unknown;
  };
  const failedQuery = typeof query === "string" && Array.isArray(params);
  const cause = error.cause ?? sourceError;
  return {
    error: error.name,
    error_message: failedQuery ? `Failed query: ${query}` : error.message,
    ...(failedQuery ? { query_params: params.length } : {}),
    ...(typeof code === "string" ? { error_code: code } : {}),
    ...(options.stack === false || failedQuery ? {} : { stack: error.stack }),
    ...(cause ? { cause: describeError(cause, options) } : {}),
  };
}
