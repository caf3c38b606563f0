/*! SiteConnect frame: the visitor's answer to a remote-control request (docs/CONTROL.md), loaded by consent.js when
 * the first ~pagesession/cobrowsing/control_request or control_state comes. A second, explicit question, never
 * implied by the consent to be seen: the answer is the frame's own `control` command, sent only from a trusted click
 * on Allow, which is enabled only once the question has been on screen (unobscured where the browser can tell) for
 * a moment — the same protections as the view consent (consent.js). While granted the widget says so and its Stop
 * takes control back (~pagesession/cobrowsing/release {reason: 'frame'}). Text only: textContent, never innerHTML. */
// @ts-check
/**
 * Builds the prompt into the co-browse panel; returns on(verb, payload) for the control messages.
 * @param {any} F scFrame
 * @param {typeof import('../shared/dom.js').el} el the frame's element builder (passed in: this module is loaded
 *   apart and must not split the first visit's bundle into shared chunks, issue 18)
 */
export function control(F, el) {
  const SEEN_MS = 600;
  /** The text of key around the element that says {name} (one text per language, the name in bold). */
  const around = (key, who) => F.t(key, { name: '\u0000' }).split('\u0000')
    .flatMap((s, i) => (i ? [who, el('span', { text: s })] : [el('span', { text: s })]));
  const panel = F.panel('cobrowse');
  const askWho = el('b');
  const allow = el('button', { type: 'button', class: 'sc-primary', 'data-testid': 'control-allow', text: F.t('ctl.allow'), disabled: true });
  const decline = el('button', { type: 'button', 'data-testid': 'control-decline', text: F.t('cb.decline') });
  const ask = el('div', { class: 'sc-cb-ask sc-cb-control', 'data-testid': 'control-consent', role: 'alertdialog', hidden: true }, [
    el('p', { class: 'sc-cb-q' }, around('ctl.ask', askWho)),
    el('p', { class: 'sc-cb-note', text: F.t('ctl.note') }),
    el('p', { class: 'sc-cb-actions' }, [allow, decline]),
  ]);
  const onWho = el('b');
  const stop = el('button', { type: 'button', class: 'sc-cb-stop', 'data-testid': 'control-frame-stop', text: F.t('ctl.stop') });
  const liveBox = el('div', { class: 'sc-cb-live sc-cb-control', 'data-testid': 'control-active', hidden: true }, [
    el('p', { class: 'sc-cb-q' }, around('ctl.live', onWho)),
    el('p', { class: 'sc-cb-actions' }, [stop]),
  ]);
  panel.append(ask, liveBox);

  let request = null; // {cobrowse_id, agent_name} waiting for the answer
  let granted = null;
  let visible = !('isVisible' in (window.IntersectionObserverEntry || function () {}).prototype);
  let timer = 0;
  const name = (p) => (p && typeof p.agent_name === 'string' && p.agent_name.trim()) || F.t('cb.anAgent');

  function arm() { // Allow only after the question has been seen for SEEN_MS (clickjacking)
    clearTimeout(timer);
    allow.disabled = true;
    if (request && visible) timer = window.setTimeout(() => { allow.disabled = !(request && visible); }, SEEN_MS);
  }
  if (!visible) {
    new IntersectionObserver((entries) => entries.forEach((e) => { visible = !!e.isVisible; arm(); }),
      { trackVisibility: true, delay: 100 }).observe(ask);
  }

  function render() {
    ask.hidden = !request;
    liveBox.hidden = !granted;
    if (request) askWho.textContent = name(request);
    if (granted) onWho.textContent = name(granted);
    document.body.setAttribute('data-control', granted ? 'granted' : request ? 'ask' : 'none');
  }

  function answer(yes) {
    if (!request) return;
    F.consent(request.cobrowse_id, yes, 'control'); // a frame command: the host page cannot say it
    request = null;
    render();
  }
  allow.addEventListener('click', (e) => { if (e.isTrusted && !allow.disabled) answer(true); });
  decline.addEventListener('click', (e) => { if (e.isTrusted) answer(false); });
  stop.addEventListener('click', (e) => {
    if (!e.isTrusted || !granted) return;
    F.publish('~pagesession/cobrowsing/release', { cobrowse_id: granted.cobrowse_id, reason: 'frame' });
    granted = null;
    render();
  });

  /** A control message from the gateway (consent.js subscribes): the request (retained, '' once answered) or the grant. */
  return function on(verb, p) {
    const live = p && typeof p === 'object' && typeof p.cobrowse_id === 'string';
    if (verb === 'control_request') {
      request = live ? p : null;
      render();
      if (request) { F.show(); decline.focus(); }
      arm();
    } else {
      granted = live && p.state === 'granted' ? p : null;
      render();
    }
  };
}
