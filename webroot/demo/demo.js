// Demo host page: loads site_connect.js from this gateway (data-no-init + start, the single-page-app form),
// logs every topic it receives and publishes the seed topics.
// @ts-check (a classic script: the demo page and the mirror-fidelity test load it as it is)
(function () {
  'use strict';
  var key = new URLSearchParams(location.search).get('site') || 'demo';
  var src = location.origin + '/site_connect.js';
  var log = document.getElementById('demo-log');
  document.getElementById('demo-site').textContent = key;
  document.getElementById('wwwchannelme').setAttribute('data-code', key);
  document.getElementById('demo-snippet').textContent =
    '<p id="wwwchannelme" data-code="' + key + '">NNNN</p>\n<script src="' + src + '"></script>';

  function line(text, cls) {
    var li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + '  ' + text;
    if (cls) li.className = cls;
    log.insertBefore(li, log.firstChild);
  }

  var script = document.createElement('script');
  script.src = src;
  script.setAttribute('data-no-init', '');
  script.addEventListener('load', function () {
    var sc = window.site_connect;
    ['~/#', '~pagesession/#', 'public/#', '$sites/' + key + '/chat_button/#'].forEach(function (filter) {
      sc.subscribe(filter, function (msg, info) {
        // The co-browse recorder's own stream and tab heartbeat: logging them would record the log line, publish
        // that, log it again… (and grow the list every 2 s while an agent watches).
        if (info.topic === '~pagesession/cobrowsing/events' || info.topic === '~pagesession/cobrowsing/tab') return;
        line(info.topic + '  ' + JSON.stringify(msg) + (info.retained ? '  (retained)' : ''));
      }, function (ack) {
        line('subscribed ' + ack.topic + ': ' + (ack.granted ? 'granted' : 'denied ' + (ack.reason || '')), 'ack');
      });
    });
    sc.start(key);
    // Show the widget state the way an integration reads it: data-state-display on the container.
    var shown = document.getElementById('demo-display');
    var watch = new MutationObserver(function () {
      var box = document.getElementById('channelme-siteconnect-container');
      var v = box ? box.getAttribute('data-state-display') : 'hidden';
      if (shown.textContent !== v) shown.textContent = v;
    });
    watch.observe(document.body, { childList: true }); // the container is appended to body
    watch.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state-display'] });

    Array.from(document.querySelectorAll('[data-topic]')).forEach(function (b) {
      b.addEventListener('click', function () {
        var p = b.getAttribute('data-payload');
        sc.publish(b.getAttribute('data-topic'), p ? JSON.parse(p) : {}, { retain: b.hasAttribute('data-retain') });
      });
    });
    document.getElementById('demo-stop').addEventListener('click', function () { sc.stop_session(); });
    document.getElementById('demo-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = /** @type {any} */ (e.target); // the publish form: f.topic, f.payload, f.retain
      var out = document.getElementById('demo-error');
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
