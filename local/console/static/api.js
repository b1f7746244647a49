/** The local cloud's JSON routes (same origin: the console is served by the cloud it shows). */
export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.message ?? `${path} answered ${response.status}`), { status: response.status });
  return body;
}

export async function postJson(path) {
  const response = await fetch(path, { method: 'POST', headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.message ?? `${path} answered ${response.status}`), { status: response.status });
  return body;
}

/** Shows a short status line (errors of polls, actions done) in the header. */
export function status(text, kind = 'info') {
  const element = document.getElementById('status');
  element.textContent = text;
  element.dataset.kind = kind;
}
