import { getJson } from './api.js';
import { h, shortName, time } from './dom.js';

/**
 * Handler logs: the functions' CloudWatch Logs groups, one function or all, filtered by a filter
 * pattern as `aws logs filter-log-events` takes it; with "follow", refreshed every two seconds.
 */
export function startLogs(form, select, filter, follow, container, functions) {
  for (const name of functions) select.append(h('option', { value: name }, shortName(name)));
  const load = async () => {
    const query = new URLSearchParams({ limit: '300' });
    if (select.value !== '') query.set('function', select.value);
    if (filter.value.trim() !== '') query.set('filter', filter.value.trim());
    try {
      const { lines } = await getJson(`/_local/console/api/logs?${query}`);
      const atBottom = container.scrollTop + container.clientHeight >= container.scrollHeight - 20;
      container.replaceChildren(...(lines.length === 0 ? [h('p', { class: 'hint' }, 'no lines')] : lines.map((l) =>
        h('div', { class: 'log-line', 'data-function': l.function },
          h('span', { class: 'when' }, time(l.timestamp)), ' ', h('span', { class: 'who' }, shortName(l.function)), ' ', h('span', { class: 'what' }, l.message)))));
      if (atBottom) container.scrollTop = container.scrollHeight;
    } catch (error) {
      container.replaceChildren(h('p', { class: 'error' }, error.message));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  setInterval(() => {
    if (follow.checked && !document.hidden && !form.closest('.view').hidden) void load();
  }, 2000);
  return load;
}
