/** The CLI's usage error (bad flag or --config file). */
/** Usage problem: one line for the user, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
