// Colloquy's one progressive-enhancement script. Everything works without it; with it,
// a reader gets a form token only when starting to write (reading sets no cookie),
// "Reply" moves the one comment form under the comment instead of reloading, and
// Like and Report are sent in place, so the reader keeps their place in the thread.
(function () {
  'use strict';

  // --- Tokens: fetched once, when a reader first touches a form that needs one.
  var tokenRequest = null;

  function forms() {
    return document.querySelectorAll('form[data-needs-token]');
  }

  function fillTokens(token) {
    forms().forEach(function (form) {
      var field = form.querySelector('input[name="_csrf"]');
      if (field && !field.value) field.value = token;
    });
  }

  function fetchToken() {
    if (!tokenRequest) {
      tokenRequest = fetch('/comments/token', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.ok ? res.json() : Promise.reject(new Error('token ' + res.status)); })
        .then(function (body) { fillTokens(body.token); return body.token; })
        .catch(function () { tokenRequest = null; return ''; });
    }
    return tokenRequest;
  }

  function needsToken(form) {
    var field = form.querySelector('input[name="_csrf"]');
    return field && !field.value;
  }

  document.addEventListener('focusin', function (event) {
    var form = event.target.closest && event.target.closest('form[data-needs-token]');
    if (form && needsToken(form)) fetchToken();
  });

  function plainSubmit(form) {
    HTMLFormElement.prototype.submit.call(form);
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.matches('form[data-in-place]') && window.fetch && window.URLSearchParams) {
      event.preventDefault();
      sendInPlace(form);
      return;
    }
    if (!form.matches('form[data-needs-token]') || !needsToken(form)) return;
    event.preventDefault();
    // A sign-in or log-out button sends the same form elsewhere (its formaction), which
    // submit() would ignore: the form's action is pointed there for this one submission.
    var submitter = event.submitter;
    var elsewhere = submitter && submitter.hasAttribute('formaction') ? submitter.getAttribute('formaction') : null;
    // Without a token the server still answers with the form kept, so submit either way.
    fetchToken().then(function () {
      var action = form.getAttribute('action');
      if (elsewhere) form.setAttribute('action', elsewhere);
      plainSubmit(form);
      if (elsewhere) form.setAttribute('action', action);
    });
  });

  // --- Like and Report in place: the same POST with the form's fields, answered as
  // JSON. Anything unexpected sends the form the ordinary way, which always works.
  function sendInPlace(form) {
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    (needsToken(form) ? fetchToken() : Promise.resolve())
      .then(function () {
        return fetch(form.action, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(new FormData(form)).toString(),
        });
      })
      .then(function (res) { return res.json(); })
      .then(function (answer) {
        form.removeAttribute('aria-busy');
        if (answer.ok && form.getAttribute('data-in-place') === 'like') return showLiked(form, answer);
        if (answer.ok) return showReported(form, answer.message);
        // A stale token needs the page's one more click; a limit only needs saying.
        if (answer.retry === 'form' || !answer.message) return plainSubmit(form);
        showNote(form, answer.message);
        if (answer.likes) showLikes(form, answer.likes);
      })
      .catch(function () {
        form.removeAttribute('aria-busy');
        plainSubmit(form);
      });
  }

  function showLikes(form, text) {
    var count = form.closest('.like-box') && form.closest('.like-box').querySelector('.likes');
    if (count) count.textContent = text;
  }

  function showLiked(form, answer) {
    showLikes(form, answer.likes);
    var button = form.querySelector('.like-button');
    if (!button) return;
    button.setAttribute('aria-pressed', 'true');
    var label = button.lastChild;
    if (label && label.nodeType === Node.TEXT_NODE) label.textContent = ' Liked';
  }

  /** The report form gives way to the thanks; focus follows it without moving the page. */
  function showReported(form, message) {
    var done = document.createElement('p');
    done.className = 'comment-report-done';
    done.setAttribute('role', 'status');
    done.tabIndex = -1;
    done.textContent = message;
    form.replaceWith(done);
    done.focus({ preventScroll: true });
  }

  function showNote(form, message) {
    var note = form.parentNode.querySelector('.in-place-note');
    if (!note) {
      note = document.createElement('p');
      note.className = 'in-place-note';
      note.setAttribute('role', 'status');
      form.after(note);
    }
    note.textContent = message;
  }

  // A form sent back with errors: take the reader to the list of what to fix.
  var summary = document.getElementById('form-errors');
  if (summary) summary.focus();

  // --- Reply: move #respond under the comment, aimed at it; cancel moves it back.
  function respondParts() {
    var respond = document.getElementById('respond');
    if (!respond) return null;
    return {
      respond: respond,
      home: document.getElementById('respond-home'),
      parent: respond.querySelector('input[name="comment_parent"]'),
      title: respond.querySelector('.reply-title-text'),
      cancel: document.getElementById('cancel-comment-reply-link'),
      text: respond.querySelector('textarea[name="comment"]'),
    };
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.comment-reply-link, #cancel-comment-reply-link');
    if (!link) return;
    var p = respondParts();
    if (!p || !p.home || !p.parent) return;

    if (link.id === 'cancel-comment-reply-link') {
      event.preventDefault();
      p.home.after(p.respond);
      p.parent.value = '0';
      if (p.title) p.title.textContent = 'Leave a Reply';
      if (p.cancel) p.cancel.hidden = true;
      if (p.text) p.text.focus();
      return;
    }

    var item = document.getElementById('comment-' + link.getAttribute('data-comment-id'));
    var body = item && item.querySelector(':scope > .comment-body');
    if (!body) return;
    event.preventDefault();
    body.after(p.respond);
    p.parent.value = link.getAttribute('data-comment-id');
    if (p.title) p.title.textContent = 'Replying to ' + link.getAttribute('data-author');
    if (p.cancel) p.cancel.hidden = false;
    if (p.text) p.text.focus();
  });
})();
