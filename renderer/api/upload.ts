/**
 * The browser host has no file dialogs: a file the user picks or drops is first uploaded
 * to the host (`POST /imports`), which keeps it under a name of its own and answers with
 * that name, for a request to refer to.
 */
export async function uploadToHost(file: File): Promise<string> {
  const response = await fetch(`/imports?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file });
  const answer = (await response.json().catch(() => ({}))) as { name?: string; error?: string };
  if (!response.ok || !answer.name) throw new Error(answer.error ?? `The host did not accept ${file.name} (HTTP ${response.status}).`);
  return answer.name;
}
