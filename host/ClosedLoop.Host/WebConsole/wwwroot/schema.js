// The engine's config schema, fetched once: every key with its section, kind, allowed values and default, and
// whether it is an experiment's setting (what a preset carries) or the rig's hardware and link; the experiment's
// settings come first.
import { request } from './api.js';

export const schema = request('/api/schema');

