import { status } from './api.js';
import { startDeadLetters } from './dead-letters.js';
import { startFaults } from './faults.js';
import { startLogs } from './logs.js';
import { startTimeline } from './timeline.js';
import { startTopology } from './topology.js';

/**
 * The console's entry: one view at a time, chosen by the address's hash (`#topology`,
 * `#dead-letters`, `#timeline?id=<order id>`, `#logs`, `#faults`), so a view can be linked to.
 */
const $ = (id) => document.getElementById(id);

const loadDeadLetters = startDeadLetters($('dead-letters-list'), $('dead-letters-refresh'));
const showStory = startTimeline($('timeline-form'), $('timeline-id'), $('timeline-story'));
const loadFaults = startFaults($('faults-counts'));
let loadLogs = async () => undefined;

const onShow = {
  'dead-letters': () => loadDeadLetters(),
  logs: () => loadLogs(),
  faults: () => loadFaults(),
  timeline: (params) => {
    const id = params.get('id');
    if (id) showStory(id);
  },
};

function route() {
  const [name, query = ''] = location.hash.slice(1).split('?');
  const view = document.getElementById(name) && name !== '' ? name : 'topology';
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== view;
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === view);
  onShow[view]?.(new URLSearchParams(query));
}

window.addEventListener('hashchange', route);
route();

startTopology($('topology-graph'))
  .then((topology) => {
    const functions = topology.nodes.filter((n) => n.kind === 'function').map((n) => n.name);
    loadLogs = startLogs($('logs-form'), $('logs-function'), $('logs-filter'), $('logs-follow'), $('logs-lines'), functions);
    if (!$('logs').hidden) void loadLogs();
    document.body.dataset.ready = 'true';
  })
  .catch((error) => status(`topology: ${error.message}`, 'error'));
