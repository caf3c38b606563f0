// The demo shop (docs/DEMO.md): a small client-side-routed shop that embeds site_connect.js as a customer site would
// (data-no-init + start, the single-page-app form). Every page is a history entry (pushState), so the visitor context
// and the co-browse mirror follow it; the gateway serves index.html for each page's path too (a reload, a shared link).
// It shows the chat buttons and their state, a proactive invitation on checkout and help, the contact code (from
// ~/site_connect/ready and …/new_code: it changes after every co-browse) and masking (the card fields). The developer
// panel at the bottom logs every topic it receives and publishes the seed topics.
// @ts-check (a classic script: the demo page and the mirror-fidelity test load it as it is)
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var key = params.get('site') || 'demo';
  // ?invite=N: the invitation after N seconds on checkout or help (0: none); the walkthrough's default is 8.
  var inviteAfter = params.has('invite') ? Number(params.get('invite')) : 8;
  var src = location.origin + '/site_connect.js';
  var log = document.getElementById('demo-log');
  /** @type {any} */
  var sc = null;
  /** @type {Record<string, string>} button id → "enabled" | "disabled", from $sites/<site>/chat_button/<id> */
  var buttons = {};
  var $ = function (/** @type {string} */ id) { return /** @type {HTMLElement} */ (document.getElementById(id)); };
  var all = function (/** @type {string} */ sel) { return /** @type {HTMLElement[]} */ (Array.from(document.querySelectorAll(sel))); };

  // ---- the shop: products from the page, the cart in sessionStorage (this tab) ----
  /** @type {Record<string, {name: string, price: number}>} */
  var products = {};
  all('[data-sku]').forEach(function (li) {
    products[li.dataset.sku || ''] = { name: li.dataset.name || '', price: Number(li.dataset.price) };
  });
  /** @type {Record<string, number>} sku → quantity */
  var cart = read('demo.cart') || {};
  function read(/** @type {string} */ name) {
    try { return JSON.parse(sessionStorage.getItem(name) || 'null'); } catch (e) { return null; }
  }
  function write(/** @type {string} */ name, /** @type {any} */ value) {
    try {
      if (value == null) sessionStorage.removeItem(name); else sessionStorage.setItem(name, JSON.stringify(value));
    } catch (e) { /* storage off: the cart lives as long as the page */ }
  }
  function money(/** @type {number} */ cents) { return '€' + (cents / 100).toFixed(2); }
  function el(/** @type {string} */ tag, /** @type {Record<string, string>} */ attrs, /** @type {(Node|string)[]} */ kids) {
    var e = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    e.append.apply(e, kids);
    return e;
  }
  function setQty(/** @type {string} */ sku, /** @type {number} */ n) {
    if (n > 0) cart[sku] = Math.min(n, 9); else delete cart[sku];
    write('demo.cart', cart);
    renderCart();
  }
  function totals() {
    var items = 0;
    var sum = 0;
    Object.keys(cart).forEach(function (sku) { items += cart[sku]; sum += cart[sku] * products[sku].price; });
    var shipping = sum === 0 || sum >= 5000 ? 0 : 490;
    return { items: items, sum: sum, shipping: shipping };
  }
  function totalBox(/** @type {HTMLElement} */ box) {
    var t = totals();
    box.replaceChildren(
      el('p', {}, ['Subtotal ', el('span', {}, [money(t.sum)])]),
      el('p', {}, ['Shipping ', el('span', {}, [t.shipping ? money(t.shipping) : 'free'])]),
      el('p', { class: 'demo-grand' }, ['Total ', el('span', { 'data-testid': 'demo-total' }, [money(t.sum + t.shipping)])]));
  }
  function renderCart() {
    var skus = Object.keys(cart).filter(function (s) { return products[s]; });
    var t = totals();
    $('demo-cart-count').textContent = String(t.items);
    $('demo-cart-empty').hidden = skus.length > 0;
    $('demo-to-checkout').hidden = skus.length === 0;
    $('demo-cart-total').hidden = skus.length === 0;
    $('demo-cart-lines').replaceChildren.apply($('demo-cart-lines'), skus.map(function (sku) {
      var p = products[sku];
      var minus = el('button', { type: 'button', 'aria-label': 'One less ' + p.name }, ['−']);
      var plus = el('button', { type: 'button', 'aria-label': 'One more ' + p.name }, ['+']);
      var remove = el('button', { type: 'button', class: 'demo-link' }, ['Remove']);
      minus.addEventListener('click', function () { setQty(sku, cart[sku] - 1); });
      plus.addEventListener('click', function () { setQty(sku, cart[sku] + 1); });
      remove.addEventListener('click', function () { setQty(sku, 0); });
      return el('li', { 'data-sku': sku }, [el('span', { class: 'demo-line-name' }, [p.name]),
        el('span', { class: 'demo-qty' }, [minus, el('output', {}, [String(cart[sku])]), plus]),
        el('span', { class: 'demo-line-price' }, [money(p.price * cart[sku])]), remove]);
    }));
    $('demo-summary-lines').replaceChildren.apply($('demo-summary-lines'), skus.length ? skus.map(function (sku) {
      return el('li', {}, [el('span', {}, [cart[sku] + ' × ' + products[sku].name]),
        el('span', {}, [money(products[sku].price * cart[sku])])]);
    }) : [el('li', {}, ['Your cart is empty.'])]);
    totalBox($('demo-cart-total'));
    totalBox($('demo-summary-total'));
  }
  var toast = 0;
  all('[data-add]').forEach(function (b) {
    b.addEventListener('click', function () {
      var sku = b.getAttribute('data-add') || '';
      setQty(sku, (cart[sku] || 0) + 1);
      $('demo-added').textContent = products[sku].name + ' added to your cart.';
      clearTimeout(toast);
      toast = setTimeout(function () { $('demo-added').textContent = ''; }, 4000);
    });
  });

  // ---- forms (nothing leaves the page) ----
  /** @param {HTMLFormElement} form @param {string} out @param {(f: any) => string} check */
  function onSubmit(form, out, check) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = /** @type {any} */ (form);
      var error = check(f);
      $(out).textContent = error;
      if (!error) form.reset();
    });
  }
  var required = function (/** @type {any} */ f) {
    return Array.from(/** @type {HTMLInputElement[]} */ (f.elements)).some(function (i) { return i.required && !i.value.trim(); });
  };
  onSubmit(/** @type {HTMLFormElement} */ ($('demo-checkout')), 'demo-checkout-error', function (f) {
    if (totals().items === 0) return 'Your cart is empty.';
    if (required(f)) return 'Please fill in every field.';
    if (!/^\d{12,19}$/.test(f.card.value.replace(/[\s-]/g, ''))) return 'That card number does not look right.';
    if (!/^(0[1-9]|1[0-2])\/?\d{2}$/.test(f.expiry.value.trim())) return 'Expiry: MM/YY.';
    if (!/^\d{3,4}$/.test(f.cvc.value.trim())) return 'CVC: 3 or 4 digits.';
    $('demo-order-id').textContent = 'KC-' + String(Math.floor(10000 + Math.random() * 90000));
    cart = {};
    write('demo.cart', null);
    renderCart();
    go('thanks');
    return '';
  });
  function showUser() {
    var user = read('demo.user');
    $('demo-login').hidden = !!user;
    $('demo-signed-in').hidden = !user;
    $('demo-user').textContent = user || '';
    $('demo-account').textContent = user ? 'Account' : 'Sign in';
  }
  onSubmit(/** @type {HTMLFormElement} */ ($('demo-login')), 'demo-login-error', function (f) {
    if (required(f) || f.email.value.indexOf('@') < 1) return 'Enter your e-mail and password.';
    write('demo.user', f.email.value.trim());
    showUser();
    return '';
  });
  $('demo-logout').addEventListener('click', function () { write('demo.user', null); showUser(); });

  // ---- the router: one history entry per page ----
  var TITLES = { shop: 'Shop', cart: 'Cart', checkout: 'Checkout', thanks: 'Order confirmed', login: 'Sign in', help: 'Help' };
  var current = '';
  function routeOf(/** @type {string} */ path) {
    var last = path.split('/').pop() || 'shop';
    return Object.prototype.hasOwnProperty.call(TITLES, last) ? last : 'shop';
  }
  function show(/** @type {string} */ route, /** @type {boolean} */ moved) {
    current = route;
    all('[data-page]').forEach(function (s) { s.hidden = s.dataset.page !== route; });
    all('nav a[data-route]').forEach(function (a) {
      if (a.dataset.route === route) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    document.title = /** @type {any} */ (TITLES)[route] + ' · Kettle & Crema';
    if (moved) {
      window.scrollTo(0, 0);
      $('demo-main').focus({ preventScroll: true });
    }
    scheduleInvite();
  }
  function go(/** @type {string} */ route) {
    if (route !== current) {
      history.pushState(null, '', location.pathname.replace(/[^/]*$/, '') + (route === 'shop' ? '' : route) + location.search);
    }
    show(route, true);
  }
  document.addEventListener('click', function (e) {
    var a = /** @type {HTMLAnchorElement | null} */ (/** @type {Element} */ (e.target).closest('a[data-route]'));
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    go(routeOf(new URL(a.href).pathname));
  });
  window.addEventListener('popstate', function () { show(routeOf(location.pathname), true); });

  // ---- the proactive invitation: once per tab, after inviteAfter seconds on checkout or help ----
  /** @type {Record<string, {button: string, text: string}>} */
  var INVITES = {
    checkout: { button: 'sales', text: 'Questions about your order? A barista is online to help.' },
    help: { button: 'support', text: 'Can\'t find your answer? Chat with our support team.' },
  };
  var inviteTimer = 0;
  /** The button to use: `id` when the site has it (or states are not known yet), else the site's first button. */
  function buttonFor(/** @type {string} */ id) {
    var known = Object.keys(buttons);
    return known.length === 0 || buttons[id] ? id : known[0];
  }
  function scheduleInvite() {
    clearTimeout(inviteTimer);
    var invite = INVITES[current];
    if (!invite || !(inviteAfter > 0) || read('demo.invited')) return;
    inviteTimer = setTimeout(function () {
      var id = buttonFor(invite.button);
      var box = document.getElementById('channelme-siteconnect-container');
      // Only when an agent serves the button, and not over a chat the visitor already has.
      if (!sc || buttons[id] !== 'enabled' || (box && box.getAttribute('data-state-widget-type'))) return;
      write('demo.invited', true);
      sc.publish('~pagesession/proactive/trigger', { button_id: id, text: invite.text });
    }, inviteAfter * 1000);
  }

  // ---- the contact code, as an integration reads it: ready (retained) and new_code (after a co-browse) ----
  function showCode(/** @type {string} */ code, /** @type {boolean} */ changed) {
    all('[data-demo-code]').forEach(function (e) {
      e.textContent = code;
      if (changed) {
        e.classList.remove('demo-code-new');
        void e.offsetWidth; // restart the highlight
        e.classList.add('demo-code-new');
      }
    });
  }

  renderCart();
  showUser();
  show(routeOf(location.pathname), false);

  // ---- site_connect.js and the developer panel ----
  $('demo-site').textContent = key;
  $('wwwchannelme').setAttribute('data-code', key);
  $('demo-snippet').textContent =
    '<p id="wwwchannelme" data-code="' + key + '">NNNN</p>\n<script src="' + src + '"></script>';

  function line(/** @type {string} */ text, /** @type {string} */ cls) {
    var li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (cls) li.className = cls;
    log.insertBefore(li, log.firstChild);
  }
  function onTopic(/** @type {any} */ msg, /** @type {string} */ topic) {
    if (topic === '~/site_connect/ready' || topic === '~/site_connect/new_code') {
      if (msg && typeof msg.code === 'string') showCode(msg.code, topic === '~/site_connect/new_code');
    }
    var m = /^\$sites\/[^/]+\/chat_button\/([^/]+)$/.exec(topic);
    if (m && msg && typeof msg.state === 'string') {
      buttons[m[1]] = msg.state;
      $('demo-buttons-state').textContent = Object.keys(buttons).map(function (b) { return b + ' ' + buttons[b]; }).join(', ');
      scheduleInvite(); // an agent came online while the visitor is on checkout or help
    }
  }

  var script = document.createElement('script');
  script.src = src;
  script.setAttribute('data-no-init', '');
  script.addEventListener('load', function () {
    sc = window.site_connect;
    ['~/#', '~pagesession/#', 'public/#', '$sites/' + key + '/chat_button/#'].forEach(function (filter) {
      sc.subscribe(filter, function (/** @type {any} */ msg, /** @type {any} */ info) {
        // The co-browse recorder's own stream and tab heartbeat: logging them would record the log line, publish
        // that, log it again… (and grow the list every 2 s while an agent watches).
        if (info.topic === '~pagesession/cobrowsing/events' || info.topic === '~pagesession/cobrowsing/tab') return;
        onTopic(msg, info.topic);
        line(info.topic + '  ' + JSON.stringify(msg) + (info.retained ? '  (retained)' : ''), '');
      }, function (/** @type {any} */ ack) {
        line('subscribed ' + ack.topic + ': ' + (ack.granted ? 'granted' : 'denied ' + (ack.reason || '')), 'ack');
      });
    });
    sc.start(key);
    // Show the widget state the way an integration reads it: data-state-display on the container.
    var shown = $('demo-display');
    var widget = $('demo-widget');
    var watch = new MutationObserver(function () {
      var box = document.getElementById('channelme-siteconnect-container');
      var v = box ? box.getAttribute('data-state-display') || 'hidden' : 'hidden';
      var w = box && box.getAttribute('data-state-widget-type');
      w = w ? w + ' / ' + (box.getAttribute('data-state-widget-groupname') || '') : 'none';
      if (shown.textContent !== v) shown.textContent = v;
      if (widget.textContent !== w) widget.textContent = w;
    });
    watch.observe(document.body, { childList: true }); // the container is appended to body
    watch.observe(document.body, { subtree: true, attributes: true,
      attributeFilter: ['data-state-display', 'data-state-widget-type', 'data-state-widget-groupname'] });

    all('[data-topic]').forEach(function (b) {
      b.addEventListener('click', function () {
        var p = b.getAttribute('data-payload');
        var payload = p ? JSON.parse(p) : {};
        if (payload.button_id) payload.button_id = buttonFor(payload.button_id); // a site without "sales"
        sc.publish(b.getAttribute('data-topic'), payload, { retain: b.hasAttribute('data-retain') });
      });
    });
    $('demo-stop').addEventListener('click', function () { sc.stop_session(); });
    $('demo-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = /** @type {any} */ (e.target); // the publish form: f.topic, f.payload, f.retain
      var out = $('demo-error');
      out.textContent = '';
      try {
        var text = f.payload.value.trim();
        sc.publish(f.topic.value, text ? JSON.parse(text) : '', { retain: f.retain.checked });
      } catch (err) {
        out.textContent = err.message;
      }
    });
  });
  document.head.appendChild(script);
})();
