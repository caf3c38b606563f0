// What the browser code finds on window besides the DOM: the self-hosted sockjs-client, and the globals of the
// classic scripts (sanitize.js, cobrowse.js, the co-browse recorder) and of the page script.
interface Window {
  SockJS: any;
  scFrame: any;
  scUi: any;
  scSanitize: any;
  scCobrowse: any;
  site_connect: any;
  site_connect_recorder: any;
  site_connect_draw: any; // webroot/cobrowse/draw.js
  scCobrowseDraw: any; // webroot/agent/cobrowse-draw.js
  site_connect_control: any;
  scControl: any;
}

// IntersectionObserver v2 (Chromium): consent.js asks whether its button is really visible.
interface IntersectionObserverEntry {
  readonly isVisible?: boolean;
}
interface IntersectionObserverInit {
  trackVisibility?: boolean;
  delay?: number;
}
