import { getJson, postJson, status } from './api.js';
import { h, shortName } from './dom.js';

/**
 * The dead-letter view: each DLQ of the app with its depth; each message with its reason (as
 * `npm run dlq` finds it: EventBridge's error attributes, the relay's stream record, the handler's
 * failure table), receive count, age and body; and a Redrive button per queue (as `npm run redrive`).
 */
export function startDeadLetters(container, refreshButton) {
  const load = async () => {
    container.replaceChildren(h('p', { class: 'hint' }, 'reading the dead-letter queues…'));
    try {
      render(container, await getJson('/_local/console/api/dead-letters'), load);
    } catch (error) {
      container.replaceChildren(h('p', { class: 'error' }, error.message));
    }
  };
  refreshButton.addEventListener('click', load);
  return load;
}

function render(container, { queues, letters }, reload) {
  const full = queues.filter((q) => q.messages > 0);
  const empty = queues.filter((q) => q.messages === 0);
  const sections = full.map((queue) => {
    const mine = letters.filter((l) => l.queue === queue.name);
    const button = h('button', { type: 'button', class: 'redrive', 'data-queue': queue.name }, 'Redrive');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { results } = await postJson(`/_local/console/api/redrive?queue=${encodeURIComponent(queue.name)}`);
        status(results.map((r) => `${r.queue}: ${r.moved} moved (${r.how})`).join('; '));
      } catch (error) {
        status(`redrive ${queue.name}: ${error.message}`, 'error');
      }
      await reload();
    });
    return h('section', { class: 'dlq', 'data-queue': queue.name },
      h('h3', {}, queue.name, ' ', h('span', { class: 'count bad' }, `${queue.messages} message${queue.messages === 1 ? '' : 's'}`), ' ', button),
      h('p', { class: 'hint' }, queue.queueName),
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'message'), h('th', {}, 'reason'), h('th', {}, 'received'), h('th', {}, 'age'), h('th', {}, 'body'))),
        h('tbody', {}, mine.map((l) => h('tr', { class: 'letter', 'data-message-id': l.messageId },
          h('td', { class: 'mono' }, l.messageId),
          h('td', { class: 'reason' }, l.reason),
          h('td', {}, `${l.receiveCount}×`),
          h('td', {}, `${l.ageSeconds}s`),
          h('td', { class: 'mono body' }, h('details', {}, h('summary', {}, l.body.slice(0, 60)), h('pre', {}, pretty(l.body)))))))));
  });
  container.replaceChildren(
    full.length === 0 ? h('p', { class: 'ok' }, 'Every dead-letter queue is empty.') : h('div', {}, sections),
    h('p', { class: 'hint' }, `Empty: ${empty.map((q) => shortName(q.name)).join(', ')}`),
  );
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
