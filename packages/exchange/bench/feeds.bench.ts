export async function runFeedBenches(): Promise<void> {}
