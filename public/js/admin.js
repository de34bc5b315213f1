// The author's desk, enhanced: a live Markdown preview, image uploads into the text,
// confirmations, select-all for bulk moderation, autosaved copies of the editor and a
// warning before losing edits.
// Every page works without this script; it only saves clicks.
(function () {
  'use strict';

  function tokenOf(form) {
    var field = form && form.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  // Confirmation before a destructive button or a bulk delete.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (form.id === 'bulk') {
      var action = form.querySelector('select[name="action"]');
      if (action && action.value === 'delete') message = 'Delete the selected comments for good? This cannot be undone.';
    }
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Select all for the moderation queue's bulk form.
  document.querySelectorAll('[data-select-all]').forEach(function (box) {
    var name = box.getAttribute('data-select-all');
    var boxes = function () { return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); };
    if (box.parentElement) box.parentElement.hidden = false;
    box.addEventListener('change', function () {
      boxes().forEach(function (b) { b.checked = box.checked; });
    });
    document.addEventListener('change', function (event) {
      if (event.target.name !== name) return;
      var all = Array.prototype.every.call(boxes(), function (b) { return b.checked; });
      var some = Array.prototype.some.call(boxes(), function (b) { return b.checked; });
      box.checked = all;
      box.indeterminate = some && !all;
    });
  });

  var editor = document.getElementById('editor');
  if (!editor) return;
  var body = document.getElementById('body');
  var panes = editor.querySelector('[data-live-preview]');
  var pane = panes && panes.querySelector('.preview-pane');
  var target = document.getElementById('preview');
  var token = tokenOf(editor);

  // Live preview: the server renders it with the same sanitiser the post will get.
  if (body && panes && pane && target) {
    var timer = 0;
    var inFlight = null;
    var live = false;
    var toolbar = document.createElement('div');
    toolbar.className = 'editor-toolbar';
    var toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'button small';
    toggle.setAttribute('aria-pressed', 'false');
    toggle.textContent = 'Live preview';
    toolbar.appendChild(toggle);
    panes.parentNode.insertBefore(toolbar, panes);

    var refresh = function () {
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      fetch('/admin/preview', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': token },
        body: new URLSearchParams({ _csrf: token, body: body.value }),
        credentials: 'same-origin',
        signal: inFlight.signal,
      }).then(function (res) {
        if (!res.ok) throw new Error('preview ' + res.status);
        return res.text();
      }).then(function (html) {
        target.innerHTML = html;
      }).catch(function (err) {
        if (err.name !== 'AbortError') target.textContent = 'The preview could not be loaded; the "Preview" button still works.';
      });
    };
    var setLive = function (on) {
      live = on;
      toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
      pane.hidden = !on;
      panes.classList.toggle('side-by-side', on);
      if (on) refresh();
    };
    toggle.addEventListener('click', function () { setLive(!live); });
    body.addEventListener('input', function () {
      if (!live) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
    // A server-rendered preview is on the page already: keep it live from here.
    if (!pane.hidden) setLive(true);
    editor.refreshPreview = function () { if (live) refresh(); };
  }

  // The Preview button sends the same form to a new tab: not a save.
  function isPreview(event) {
    return Boolean(event.submitter && event.submitter.getAttribute('formtarget') === '_blank');
  }

  // Unsaved changes: ask before leaving the editor.
  var dirty = false;
  editor.addEventListener('input', function () { dirty = true; });
  editor.addEventListener('submit', function (event) {
    if (!isPreview(event)) dirty = false;
  });
  window.addEventListener('beforeunload', function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });

  // Autosave: a copy of the whole form a few seconds after the author types, kept on
  // the server (the last 20), so a closed tab or a crash loses at most those seconds.
  var autosaveUrl = editor.getAttribute('data-autosave');
  var autosaveStatus = editor.querySelector('.autosave-status');
  if (autosaveUrl && autosaveStatus) {
    var AUTOSAVE_MS = 4000;
    var autosaveTimer = 0;
    var pending = false;
    var say = function (message, isError) {
      autosaveStatus.textContent = message;
      autosaveStatus.classList.toggle('is-error', Boolean(isError));
    };
    var autosave = function () {
      autosaveTimer = 0;
      if (!pending) return;
      pending = false;
      fetch(autosaveUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': token, Accept: 'application/json' },
        body: new URLSearchParams(new FormData(editor)),
        credentials: 'same-origin',
        // A log-in that ended answers with a redirect to the log-in page: seen, not followed.
        redirect: 'manual',
      }).then(function (res) {
        if (res.type === 'opaqueredirect' || res.status === 401) {
          say('Not autosaved: your log-in has ended. Your text is still here: press Save, log in on the page that opens, and it will be saved.', true);
          return;
        }
        if (res.status === 403) {
          say('Not autosaved: this page has expired. Your text is still here: press Save to keep it.', true);
          return;
        }
        if (!res.ok) {
          return res.json().catch(function () { return {}; }).then(function (data) {
            say('Not autosaved: ' + (data.error || 'the server refused it (' + res.status + ').') + ' Your text is still here.', true);
          });
        }
        return res.json().then(function (data) { say('Draft autosaved at ' + data.time + '.'); });
      }).catch(function () {
        pending = true;
        say('Not autosaved: the connection failed. It will be tried again as you type; your text is still here.', true);
      });
    };
    var queue = function () {
      pending = true;
      if (!autosaveTimer) autosaveTimer = setTimeout(autosave, AUTOSAVE_MS);
    };
    editor.addEventListener('input', queue);
    editor.addEventListener('change', queue);
    editor.addEventListener('submit', function (event) {
      // Only a real save ends the autosaving.
      if (isPreview(event)) return;
      clearTimeout(autosaveTimer);
      pending = false;
    });
  }

  // Uploads: send the image in the background and put its Markdown at the cursor.
  var upload = document.getElementById('upload-form');
  if (upload && body) {
    var status = document.querySelector('.upload-status');
    var insert = function (text) {
      var start = body.selectionStart, end = body.selectionEnd, value = body.value;
      var before = value.slice(0, start), after = value.slice(end);
      var pad = before && !before.endsWith('\n') ? '\n\n' : '';
      body.value = before + pad + text + '\n' + after;
      body.selectionStart = body.selectionEnd = (before + pad + text + '\n').length;
      body.dispatchEvent(new Event('input', { bubbles: true }));
      body.focus();
    };
    upload.addEventListener('submit', function (event) {
      var file = upload.elements.namedItem('image');
      if (!file || !file.files || !file.files.length) { event.preventDefault(); if (status) status.textContent = 'Choose an image first.'; return; }
      event.preventDefault();
      if (status) status.textContent = 'Uploading…';
      fetch(upload.action, {
        method: 'POST',
        headers: { Accept: 'application/json', 'X-CSRF-Token': tokenOf(upload) },
        body: new FormData(upload),
        credentials: 'same-origin',
      }).then(function (res) {
        return res.json().then(function (data) {
          if (!res.ok) throw new Error(data.error || 'The upload failed.');
          return data;
        });
      }).then(function (data) {
        insert(data.markdown);
        file.value = '';
        if (status) status.textContent = 'Inserted into the text.';
      }).catch(function (err) {
        if (status) status.textContent = err.message;
      });
    });
  }
})();
