import { EventsErrors } from './errors';

const REQUIRED = ['id', 'account', 'source', 'time', 'region', 'detail-type'];

/** Parses TestEventPattern's `Event`: a JSON object with the fields AWS requires of an event. */
export function parseTestEvent(text: unknown): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(String(text));
  } catch {
    throw EventsErrors.validation('Parameter Event is not valid.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw EventsErrors.validation('Parameter Event is not valid.');
  // AWS names no reason for a missing field (recorded: test_events_patterns.py::TestEventPattern::test_invalid_event_payload).
  for (const field of REQUIRED) {
    if (!(field in event)) throw EventsErrors.validation('Parameter Event is not valid.');
  }
  return event as Record<string, unknown>;
}
