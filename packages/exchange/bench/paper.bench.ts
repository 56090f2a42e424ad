export async function runPaperBenches(): Promise<void> {}
