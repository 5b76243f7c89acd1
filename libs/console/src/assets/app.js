// Spaceport web console: Preact components written with htm tagged templates, served as ES modules
/* global document, sessionStorage, window */
// by the gateway (no build step). Talks only to the gateway that served it.
import { api, session } from './api.js';
import { Cluster } from './cluster.js';
import { EventsCard } from './events.js';
import { html, render, useEffect, useRef, useState } from './htm-preact.js';
import { ProjectsCard } from './projects.js';
import { TriggersCard } from './triggers.js';
import { ReadOnlyContext } from './ui.js';

const POLL_MS = 1500;
const PROJECT_KEY = 'spaceport.console.project';

function Login({ message, onSignIn }) {
  const [token, setToken] = useState('');
  const input = useRef(null);
  useEffect(() => input.current && input.current.focus(), []);
  return html`<section class="card login" data-testid="login" aria-labelledby="login-h">
    <h1 id="login-h">Sign in</h1>
    <p class="muted">
      Enter the gateway's admin token (<code>ADMIN_TOKEN</code>, or <code>ADMIN_READ_TOKEN</code> to look only). It
      stays in this browser tab (session storage) and is sent as a bearer header to this gateway only.
    </p>
    <form
      autocomplete="off"
      onSubmit=${(e) => {
        e.preventDefault();
        onSignIn(token.trim());
        setToken('');
      }}
    >
      <label for="token" class="sr-only">Admin token</label>
      <input
        ref=${input}
        type="password"
        id="token"
        placeholder="admin token"
        data-testid="token-input"
        required
        value=${token}
        onInput=${(e) => setToken(e.currentTarget.value)}
      />
      <button type="submit" class="button" data-testid="sign-in">Open console</button>
    </form>
    <p class="error" role="alert" data-testid="login-error">${message}</p>
  </section>`;
}

function Dashboard({ onSignOut }) {
  const [cluster, setCluster] = useState(null);
  const [projects, setProjects] = useState(null);
  const [project, setProject] = useState(sessionStorage.getItem(PROJECT_KEY) || '');
  const [tick, setTick] = useState(0);
  const [refresh, setRefresh] = useState({ ok: true, text: '' });
  const readOnly = session.scope !== 'admin';

  useEffect(() => {
    let stopped = false;
    let timer;
    const poll = async () => {
      try {
        const [c, p] = await Promise.all([api('/v1/cluster'), api('/v1/config/projects')]);
        if (stopped) return;
        setCluster(c);
        setProjects(p.result);
        setRefresh({ ok: true, text: `updated ${new Date().toLocaleTimeString()}` });
      } catch (error) {
        if (!stopped) setRefresh({ ok: false, text: `update failed: ${error.message}` });
      }
      if (!stopped) {
        setTick((t) => t + 1);
        timer = setTimeout(poll, POLL_MS);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const list = projects || [];
  const selected = list.some((p) => p.id === project) ? project : list.length ? list[0].id : '';
  useEffect(() => sessionStorage.setItem(PROJECT_KEY, selected), [selected]);
  const current = list.find((p) => p.id === selected);
  const reload = () => setTick((t) => t + 1);

  return html`<${ReadOnlyContext.Provider} value=${readOnly}>
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">◆</span> Spaceport <span class="brand-sub">console</span>
      </div>
      <div class="topbar-info" data-testid="cluster-badge">
        ${cluster && html`<span class="badge mode">${cluster.mode}</span> <span class="muted">cluster ${cluster.clusterId}</span>`}
      </div>
      <div class="topbar-right">
        ${readOnly && html`<span class="badge read-only" data-testid="read-only" title="Signed in with ADMIN_READ_TOKEN">read-only</span>`}
        <span class=${`refresh ${refresh.ok ? '' : 'error'}`} data-testid="refresh-state">${refresh.text}</span>
        <a class="link" href="/docs" target="_blank" rel="noopener">API docs</a>
        <button type="button" class="button ghost" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <main class="dashboard">
      ${
        readOnly &&
        html`<p class="banner" role="note" data-testid="read-only-banner">
          Signed in with the read-only admin token: you can see everything; the controls that change something are
          disabled.
        </p>`
      }
      <${Cluster} cluster=${cluster} />
      <${ProjectsCard}
        projects=${list}
        loaded=${projects !== null}
        selected=${selected}
        onSelect=${setProject}
        tick=${tick}
        onChanged=${reload}
      />
      ${
        current &&
        html`<${TriggersCard}
            key=${`t-${selected}`}
            project=${current}
            tick=${tick}
            onChanged=${reload}
          />
          <${EventsCard} key=${`e-${selected}`} project=${current} tick=${tick} />`
      }
    </main>
  <//>`;
}

function App() {
  const [signedIn, setSignedIn] = useState(false);
  const [message, setMessage] = useState('');
  const signIn = async (token) => {
    session.save(token);
    try {
      session.scope = (await api('/v1/config/access')).scope;
      setSignedIn(true);
      setMessage('');
    } catch (error) {
      session.save('');
      setMessage(error.status === 401 ? 'That token was not accepted.' : `Cannot reach the gateway: ${error.message}`);
    }
  };
  useEffect(() => {
    if (session.token) void signIn(session.token);
    const expired = () => {
      session.save('');
      setSignedIn(false);
      setMessage('The token was rejected (changed on the gateway?). Sign in again.');
    };
    window.addEventListener('spaceport:unauthorized', expired);
    return () => window.removeEventListener('spaceport:unauthorized', expired);
  }, []);
  const signOut = () => {
    session.save('');
    setSignedIn(false);
    setMessage('');
  };
  if (signedIn) return html`<${Dashboard} onSignOut=${signOut} />`;
  return html`<header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">◆</span> Spaceport <span class="brand-sub">console</span>
      </div>
    </header>
    <main><${Login} message=${message} onSignIn=${signIn} /></main>`;
}

const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
