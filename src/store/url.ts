// Database URLs as Cashbook takes them: a SQLite file path or sqlite: URL, or postgres://.
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** A URL scheme Cashbook does not speak (mysql:, http:, …), or undefined for a file path or a supported URL. */
export function unsupportedScheme(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(url)?.[1]; // two letters at least: C:\data is a Windows path
  return scheme && !/^(sqlite|postgres|postgresql)$/i.test(scheme) ? scheme : undefined;
}

export function sqliteFile(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '');
}

/** The URL as it may be printed or logged: its password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return isPostgresUrl(url) ? 'postgres://…' : url;
  }
}
