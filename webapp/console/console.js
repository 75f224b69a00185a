// Sessions console. Served with a Content-Security-Policy that allows no inline script, and written so
// that nothing from a session is ever parsed as HTML: every value goes into the page as textContent.
// The x-key lives in the `key` variable below only (never localStorage, sessionStorage or a cookie)
// and leaves the page only as the x-key header of the user-session calls.
'use strict';

(function () {
  const root = new URL('../', window.location.href); // the webapp's context root
  const REFRESH_MS = 5000;
  let key = null;
  let currentUser = null;
  let lastRequests = null; // {count, at} of the previous /metrics read

  const $ = (id) => document.getElementById(id);

  function say(message, isError) {
    const status = $('status');
    status.textContent = message;
    status.className = isError ? 'error' : '';
  }

  async function call(method, path, headers) {
    const response = await fetch(new URL(path, root), {
      method: method,
      headers: headers,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    });
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      // not JSON: the status says enough
    }
    return { status: response.status, body: body };
  }

  function failure(what, reply) {
    const detail = reply.body && typeof reply.body.message === 'string' ? reply.body.message
      : reply.body && typeof reply.body.code === 'string' ? reply.body.code : '';
    say(what + ' failed: HTTP ' + reply.status + (detail ? ' – ' + detail : ''), true);
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function dataText(data) {
    if (!data || typeof data !== 'object') {
      return '';
    }
    return Object.keys(data).map((k) => k + ': ' + JSON.stringify(data[k])).join('\n');
  }

  function render(sessions) {
    const body = $('sessions');
    body.replaceChildren();
    sessions.forEach((s) => {
      const row = document.createElement('tr');
      row.className = 'session';
      cell(row, typeof s.token === 'string' ? s.token.slice(0, 8) + '…' : '(hashed)', 'token');
      cell(row, String(s.created_at), 'created');
      cell(row, String(s.expired_at), 'expires');
      cell(row, String(s.ttl), 'ttl');
      cell(row, s.sliding ? 'sliding' : 'absolute', 'kind');
      cell(row, dataText(s.data), 'data');
      const action = document.createElement('td');
      const end = document.createElement('button');
      end.type = 'button';
      end.className = 'end-one danger';
      end.textContent = 'End';
      if (typeof s.token === 'string') {
        end.addEventListener('click', () => endOne(s.token));
      } else {
        end.disabled = true;
        end.title = 'Tokens are hashed at rest: this session can only be ended with all others';
      }
      action.appendChild(end);
      row.appendChild(action);
      body.appendChild(row);
    });
  }

  async function lookUp(user) {
    if (key === null) {
      say('Enter the x-key first.', true);
      return;
    }
    currentUser = user;
    const reply = await call('GET', 'sessions?limit=1000&include=data&user_id=' + encodeURIComponent(user),
      { 'x-key': key });
    if (reply.status !== 200 || !reply.body || !Array.isArray(reply.body.message)) {
      render([]);
      $('end-all').disabled = true;
      failure('Look-up', reply);
      return;
    }
    const sessions = reply.body.message;
    render(sessions);
    $('end-all').disabled = sessions.length === 0;
    say(sessions.length + ' live session' + (sessions.length === 1 ? '' : 's') + ' of ' + user
      + (reply.body.cursor ? ' (the newest 1000 shown)' : ''), false);
  }

  // DELETE / ends one session by its token (the state API's call; the token is the credential).
  async function endOne(token) {
    const reply = await call('DELETE', '', { 'x-session-token': token });
    if (reply.status !== 200 && reply.status !== 404) {
      failure('Ending the session', reply);
      return;
    }
    await lookUp(currentUser);
    say('Session ended' + (reply.status === 404 ? ' (it had already ended)' : '') + '. ' + $('status').textContent, false);
  }

  async function endAll() {
    if (currentUser === null || key === null) {
      return;
    }
    const user = currentUser;
    const reply = await call('DELETE', 'sessions?user_id=' + encodeURIComponent(user), { 'x-key': key });
    if (reply.status !== 200 || !reply.body) {
      failure('Ending all sessions', reply);
      return;
    }
    await lookUp(user);
    say('Ended ' + reply.body.message + ' session(s) of ' + user + '.', false);
  }

  function sample(text, name) {
    let total = null;
    text.split('\n').forEach((line) => {
      if (line.startsWith(name + ' ') || line.startsWith(name + '{')) {
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (!Number.isNaN(value)) {
          total = (total === null ? 0 : total) + value;
        }
      }
    });
    return total;
  }

  async function refreshFigures() {
    let text;
    try {
      const response = await fetch(new URL('metrics', root), { credentials: 'omit', cache: 'no-store' });
      text = await response.text();
    } catch (e) {
      $('figure-store').textContent = 'service unreachable';
      $('figure-store').className = 'down';
      return;
    }
    const live = sample(text, 'sessions_live');
    $('figure-live').textContent = live === null || live < 0 ? 'n/a' : String(live);
    const up = sample(text, 'session_store_up');
    $('figure-store').textContent = up === null ? '–' : up >= 1 ? 'up' : 'down';
    $('figure-store').className = up === null ? '' : up >= 1 ? 'up' : 'down';
    const count = sample(text, 'session_requests_seconds_count');
    const now = Date.now();
    if (count !== null && lastRequests !== null && now > lastRequests.at) {
      const rate = (count - lastRequests.count) / ((now - lastRequests.at) / 1000);
      $('figure-rate').textContent = rate.toFixed(1);
    }
    if (count !== null) {
      lastRequests = { count: count, at: now };
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = $('key');
      key = input.value === '' ? null : input.value;
      input.value = ''; // the key stays in this script's memory, not in the page
      $('key-state').textContent = key === null ? 'No key yet.' : 'Key set (in memory; reloading the page forgets it).';
    });
    $('user-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const user = $('user').value.trim();
      if (user === '') {
        say('Enter a user id.', true);
        return;
      }
      lookUp(user).catch((e) => say('Look-up failed: ' + e.message, true));
    });
    $('end-all').addEventListener('click', () => {
      endAll().catch((e) => say('Ending all sessions failed: ' + e.message, true));
    });
    refreshFigures();
    window.setInterval(refreshFigures, REFRESH_MS);
  });
}());
