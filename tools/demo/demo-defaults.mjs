// Defaults shared by `npm start` (tools/stack/stack.mjs), `npm run demo` (tools/demo/demo.mjs) and
// docker-compose.yml (checked by tools/compose/compose.spec.ts). Demo values only: the project
// token and the webhook secret below are public, so never reuse them for a real project.
export const DEMO_PROJECT_ID = 'demo';
export const DEMO_TRIGGER_ID = 'demo-receiver';
export const DEMO_EVENT_TYPE = 'demo.ping';
/** bearer token of the demo project's queue/events API (≥ 24 characters) */
export const DEMO_PROJECT_TOKEN = 'spaceport-demo-project-token';
/** the demo project's webhook signing secret, which the demo receiver verifies (DEMO_WEBHOOK_SECRET overrides) */
export const DEFAULT_DEMO_WEBHOOK_SECRET = 'whsec_c3BhY2Vwb3J0LWRlbW8tc2lnbmluZy1rZXktMzJieXRlcw==';
export const DEMO_RECEIVER_PORT = 4120;
/** the local stack's admin token when ADMIN_TOKEN is unset (tools/stack/stack.mjs) */
export const LOCAL_ADMIN_TOKEN = 'spaceport-local-admin-token';
