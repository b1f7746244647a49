import { getJson } from './api.js';
import { h, shortName, time } from './dom.js';

/**
 * The order timeline: the flight recorder's story of an order (or of one event and what followed):
 * each event in time order, who published it, where each of its deliveries ended (done, in flight,
 * a dead-letter queue with its reason), the rules of its source that did not match and on which
 * field, and its hops, one line each.
 */
export function startTimeline(form, input, container) {
  const show = async (id) => {
    container.replaceChildren(h('p', { class: 'hint' }, `reading the story of ${id}…`));
    try {
      render(container, await getJson(`/_local/recorder/story?id=${encodeURIComponent(id)}`));
    } catch (error) {
      container.replaceChildren(h('p', { class: 'error' }, error.status === 404 ? 'the flight recorder does not answer on this local cloud' : error.message));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = input.value.trim();
    if (id === '') return;
    history.replaceState(null, '', `#timeline?id=${encodeURIComponent(id)}`);
    void show(id);
  });
  return (id) => {
    input.value = id;
    void show(id);
  };
}

function render(container, story) {
  if (story.events.length === 0) {
    container.replaceChildren(h('p', { class: 'hint' }, `The recorder knows no event of ${story.id}.`));
    return;
  }
  const start = Date.parse(story.events[0].time);
  container.replaceChildren(
    h('p', { class: 'hint' }, `${story.events.length} events, matched by ${story.matchedBy}${story.truncated ? ' (truncated: older hops were dropped)' : ''}`),
    h('ol', { class: 'timeline' }, story.events.map((event) => h('li', { class: 'story-event', 'data-event-id': event.eventId, 'data-detail-type': event.detailType },
      h('div', { class: 'event-head' },
        h('span', { class: 'offset' }, `+${Date.parse(event.time) - start} ms`),
        h('strong', { class: 'detail-type' }, event.detailType),
        h('span', { class: 'source' }, event.source),
        h('span', { class: 'hint' }, `on ${shortName(event.bus)}`),
        event.causedBy === undefined ? null : h('span', { class: 'hint' }, `published by ${shortName(event.causedBy.function)}`)),
      h('ul', { class: 'branches' }, (event.branches ?? []).map((b) => h('li', { class: `branch state-${b.state}`, 'data-state': b.state },
        h('span', { class: 'state' }, b.state), ' ', shortName(b.rule), ' → ', shortName(b.where ?? b.target),
        b.reason === undefined ? null : h('span', { class: 'reason' }, ` ${b.reason}`)))),
      (event.unmatched ?? []).length === 0 ? null : h('p', { class: 'hint' }, `not matched: ${event.unmatched.map((u) => `${shortName(u.rule)} (on ${u.field})`).join(', ')}`),
      h('details', {}, h('summary', {}, `${(event.hops ?? []).length} hops`),
        h('ol', { class: 'hops mono' }, (event.hops ?? []).map((hop) => h('li', {}, `${time(hop.time)} ${hop.kind} ${describe(hop)}`))))))),
  );
}

function describe(hop) {
  switch (hop.kind) {
    case 'put-events': return `${shortName(hop.bus)}${hop.by ? ` by ${shortName(hop.by.function)}` : ''}`;
    case 'rule': return `${shortName(hop.rule)} ${hop.matched ? 'matched' : `did not match (${hop.field ?? '?'})`}`;
    case 'target': return `${shortName(hop.rule)} → ${shortName(hop.target)}: ${hop.outcome} (attempt ${hop.attempt})${hop.error ? ` ${hop.error}` : ''}`;
    case 'batch': return `${shortName(hop.function)} from ${shortName(hop.source)}, ${hop.size} records`;
    case 'invocation': return `${shortName(hop.function)} ${hop.result} in ${hop.durationMs} ms${hop.cold ? ' (cold)' : ''}${hop.error ? `: ${hop.error}` : ''}`;
    case 'dynamodb-write': return `${shortName(hop.table)} ${hop.operation}${hop.outboxEventIds?.length ? `, outbox ${hop.outboxEventIds.length}` : ''}`;
    default: return hop.queue === undefined ? '' : `${shortName(hop.queue)}${hop.deadLetterQueue ? ` → ${shortName(hop.deadLetterQueue)}` : ''}${hop.receiveCount ? ` (receive ${hop.receiveCount})` : ''}`;
  }
}
