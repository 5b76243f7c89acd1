// The web console's page and assets (`/console…`, no token: the page asks for the admin token).
import { type OperationTable } from './shared';

export const CONSOLE_OPERATIONS: OperationTable = {
  'GET /console': {
    tag: 'console',
    auth: 'none',
    summary: 'The web console (HTML)',
    description:
      'The page asks for the admin token in the browser and calls the API with it; it needs no token to load.',
    responses: {
      200: { description: 'the page', contentType: 'text/html', schema: { type: 'string' } },
      503: {
        description: 'console assets missing from this build',
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
    },
  },
  'GET /console/{asset}': {
    tag: 'console',
    auth: 'none',
    summary: "The console's script and stylesheet",
    pathParams: { asset: 'console.js or console.css' },
    responses: {
      200: { description: 'the file', contentType: 'text/plain', schema: { type: 'string' } },
      404: { description: 'no such asset', contentType: 'text/plain', schema: { type: 'string' } },
      503: {
        description: 'console assets missing from this build',
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
    },
  },
};
