import { getJson } from './api.js';
import { h, shortName } from './dom.js';

/** The fault-injection counters (`--chaos`): how many of each fault struck, and which functions. */
export function startFaults(container) {
  const load = async () => {
    try {
      const faults = await getJson('/_local/console/api/faults');
      if (!faults.enabled) {
        container.replaceChildren(h('p', { class: 'hint' }, 'Fault injection is off. Start the local cloud with chaos on (npm run local -- --faults default) to see its counters here.'));
        return;
      }
      container.replaceChildren(
        h('p', {}, `${faults.total} faults injected`),
        h('table', { class: 'faults' }, h('tbody', {}, Object.entries(faults.counts).map(([kind, n]) => h('tr', { 'data-fault': kind }, h('th', {}, kind), h('td', { class: n > 0 ? 'bad' : '' }, String(n)))))),
        h('h3', {}, 'Handler faults by function'),
        h('table', { class: 'faults' }, h('tbody', {}, Object.entries(faults.byFunction).map(([fn, n]) => h('tr', {}, h('th', { title: fn }, shortName(fn)), h('td', {}, String(n)))))),
      );
    } catch (error) {
      container.replaceChildren(h('p', { class: 'error' }, error.message));
    }
  };
  setInterval(() => {
    if (!container.closest('.view').hidden && !document.hidden) void load();
  }, 2000);
  return load;
}
