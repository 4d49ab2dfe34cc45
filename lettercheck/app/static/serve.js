/* lettercheck serve: the page's only script (served by lettercheck itself, no CDN).
   Sends each letter to /api/check, shows its LIX, findings and text with every finding
   highlighted on its exact words, and fetches annotated copies and the audit reports. */
(function () {
  'use strict';
  var BANDS = ['meget let', 'let', 'middel', 'svær', 'meget svær'];
  var SEVERITY = { error: 'fejl', warning: 'advarsel', info: 'råd' };
  var PLURAL = { error: 'fejl', warning: 'advarsler', info: 'råd' };
  var RANK = { info: 0, warning: 1, error: 2 };
  var WORD = /\.(docx|dotx|docm|dotm)$/i;
  var titles = {};
  var letters = []; // {file, article}
  var counter = 0;
  var byId = function (id) { return document.getElementById(id); };

  var rulesReady = fetch('/api/rules').then(function (r) { return r.json(); }).then(function (d) {
    (d.rules || []).forEach(function (rule) { titles[rule.code] = rule.title || rule.name; });
  }).catch(function () {});

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function say(text) { byId('status').textContent = text; }

  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  function decimal(value) { return Number(value).toFixed(1).replace('.', ','); }

  /* The finding's words on one line, cut at a word when long (as the text report does). */
  function quoted(finding) {
    if (!finding.text || finding.message.indexOf(finding.text) !== -1) return null;
    var words = finding.text.split(/\s+/).filter(Boolean).join(' ');
    if (words.length > 80) {
      var cut = words.slice(0, 79);
      words = (cut.indexOf(' ') !== -1 ? cut.slice(0, cut.lastIndexOf(' ')) : cut)
        .replace(/[ ,;:]+$/, '') + ' …';
    }
    return words;
  }

  function letterType(value) {
    if (!value) return null;
    if (typeof value === 'string') return value;
    return value.label || value.title || value.name || value.type || null;
  }

  function post(url, body) {
    return fetch(url, { method: 'POST', body: body }).catch(function () {
      throw new Error('Serveren kan ikke nås. Tjek forbindelsen, og prøv igen.');
    });
  }

  function errorOf(response) {
    return response.json().then(function (d) {
      return new Error(d.error || 'Serveren svarede med fejl ' + response.status + '.');
    }, function () {
      return new Error('Serveren svarede med fejl ' + response.status + '.');
    }).then(function (error) { throw error; });
  }

  function check(file) {
    var body = new FormData();
    body.append('file', file, file.name);
    return post('/api/check', body).then(function (response) {
      return response.json().catch(function () {
        return { path: file.name, readability: null, findings: [],
          error: 'Serveren svarede med fejl ' + response.status + '.' };
      });
    }, function (error) {
      return { path: file.name, readability: null, findings: [], error: error.message };
    });
  }

  /* ---- one letter ------------------------------------------------------------------- */

  function render(article, file, data) {
    var id = 'b' + (++counter);
    article.textContent = '';
    article.setAttribute('aria-labelledby', id + '-navn');
    article.removeAttribute('aria-busy');
    var heading = el('h3', null, data.path || file.name);
    heading.id = id + '-navn';
    article.appendChild(heading);
    if (!data.readability) {
      article.appendChild(el('p', 'error-line', 'Kan ikke læses: ' + (data.error || '')));
      return 0;
    }
    var r = data.readability;
    var facts = el('p', 'facts');
    var band = BANDS.indexOf(r.band);
    facts.appendChild(el('span', 'lix band-' + (band < 0 ? 2 : band),
      'LIX ' + decimal(r.lix) + ' (' + r.band + ')'));
    var rest = ' · ' + plural(r.words, 'ord', 'ord') + ' · ' +
      plural(r.sentences, 'sætning', 'sætninger');
    var type = letterType(data.letter_type);
    if (type) rest += ' · Brevtype: ' + type;
    facts.appendChild(document.createTextNode(rest));
    article.appendChild(facts);
    if (data.error) article.appendChild(el('p', 'error-line', data.error));
    if (WORD.test(file.name)) {
      var actions = el('p', 'actions');
      var button = el('button', 'annotate', 'Hent kommenteret kopi');
      button.type = 'button';
      button.setAttribute('aria-describedby', id + '-navn');
      button.addEventListener('click', function () { annotate(file, button); });
      actions.appendChild(button);
      article.appendChild(actions);
    }
    var columns = el('div', 'columns');
    columns.appendChild(findingsList(id, data.findings));
    columns.appendChild(letterText(id, data));
    article.appendChild(columns);
    return data.findings.length;
  }

  function findingsList(id, findings) {
    var section = el('section', 'findings-column');
    var heading = el('h4', null, 'Fund');
    heading.id = id + '-fund';
    section.setAttribute('aria-labelledby', heading.id);
    var counts = ['error', 'warning', 'info'].map(function (s) {
      var n = findings.filter(function (f) { return f.severity === s; }).length;
      return n + ' ' + (n === 1 ? SEVERITY[s] : PLURAL[s]);
    }).join(' · ');
    heading.appendChild(el('span', 'counts', ' (' + findings.length + ': ' + counts + ')'));
    section.appendChild(heading);
    if (!findings.length) {
      section.appendChild(el('p', null, 'Ingen fund.'));
      return section;
    }
    var list = el('ol', 'findings');
    findings.forEach(function (f, i) {
      var n = i + 1;
      var item = el('li', 'sev-' + f.severity);
      item.id = id + '-f' + n;
      item.tabIndex = -1;
      var located = f.block !== null && f.start !== null && f.end !== null;
      var head = el(located ? 'a' : 'div', located ? 'goto' : null);
      if (located) {
        head.href = '#' + id + '-m' + n;
        head.setAttribute('data-target', id + '-m' + n);
      }
      head.appendChild(el('span', 'place', n + '. ' + (f.place || '') + ': '));
      head.appendChild(el('span', 'sev', SEVERITY[f.severity] || f.severity));
      head.appendChild(document.createTextNode(' '));
      head.appendChild(el('span', 'rule', f.code + ' ' + (titles[f.code] || f.rule)));
      if (located) head.appendChild(el('span', 'visually-hidden', ' (gå til ordene i brevet)'));
      item.appendChild(head);
      var text = el('p', 'finding-text', f.message);
      var words = quoted(f);
      if (words) text.appendChild(document.createTextNode(' »' + words + '«'));
      item.appendChild(text);
      if (f.suggestion) item.appendChild(el('p', 'suggestion', '→ ' + f.suggestion));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  function letterText(id, data) {
    var section = el('section', 'text-column');
    var heading = el('h4', null, 'Brevets tekst');
    heading.id = id + '-tekst';
    section.setAttribute('aria-labelledby', heading.id);
    section.appendChild(heading);
    var box = el('div', 'lettertext');
    var byBlock = {};
    data.findings.forEach(function (f, i) {
      if (f.block === null || f.start === null || f.end === null) return;
      (byBlock[f.block] = byBlock[f.block] || []).push({ f: f, n: i + 1 });
    });
    (data.blocks || []).forEach(function (block) {
      if (!block.text.trim() && !byBlock[block.index]) return;
      var p = el('p', block.part ? 'part-' + block.part : null);
      p.setAttribute('data-block', block.index);
      highlight(p, id, block.text, byBlock[block.index] || []);
      box.appendChild(p);
    });
    section.appendChild(box);
    return section;
  }

  /* The block's text cut at every finding's start and end; each stretch inside one or more
     findings is a <mark> (the most serious one's colour), the first stretch of a finding
     carries its id (where its link scrolls to), and after its last stretch a small number
     links back to the finding. */
  function highlight(p, id, text, found) {
    var cuts = [0, text.length];
    found.forEach(function (x) {
      x.start = Math.max(0, Math.min(text.length, x.f.start));
      x.end = Math.max(x.start, Math.min(text.length, x.f.end));
      cuts.push(x.start, x.end);
    });
    cuts = cuts.filter(function (v, i, all) { return all.indexOf(v) === i; })
      .sort(function (a, b) { return a - b; });
    function anchorsAt(at, node) {
      found.forEach(function (x) {
        if (x.start === at && x.start === x.end) {
          var anchor = el('span', 'anchor');
          anchor.id = id + '-m' + x.n;
          anchor.tabIndex = -1;
          p.appendChild(anchor);
          p.appendChild(back(id, x.n));
        } else if (x.start === at && node) {
          if (!node.id) {
            node.id = id + '-m' + x.n;
          } else {
            var extra = el('span', 'anchor');
            extra.id = id + '-m' + x.n;
            extra.tabIndex = -1;
            p.insertBefore(extra, node);
          }
        }
      });
    }
    for (var c = 0; c < cuts.length - 1; c++) {
      var a = cuts[c], b = cuts[c + 1];
      var covering = found.filter(function (x) { return x.start <= a && x.end >= b && x.start < x.end; });
      var piece = text.slice(a, b);
      if (!covering.length) {
        anchorsAt(a, null);
        p.appendChild(document.createTextNode(piece));
        continue;
      }
      var worst = covering.reduce(function (w, x) {
        return RANK[x.f.severity] > RANK[w.f.severity] ? x : w;
      });
      var mark = el('mark', 'sev-' + worst.f.severity, piece);
      mark.tabIndex = -1;
      mark.setAttribute('data-findings', covering.map(function (x) { return x.n; }).join(' '));
      p.appendChild(mark);
      anchorsAt(a, mark);
      covering.forEach(function (x) { if (x.end === b) p.appendChild(back(id, x.n)); });
    }
    anchorsAt(text.length, null);
  }

  function back(id, n) {
    var link = el('a', 'back', String(n));
    link.href = '#' + id + '-f' + n;
    link.setAttribute('data-target', id + '-f' + n);
    link.setAttribute('aria-label', 'Tilbage til fund ' + n);
    return link;
  }

  function go(target) {
    var old = document.querySelectorAll('.current');
    for (var i = 0; i < old.length; i++) old[i].classList.remove('current');
    target.classList.add('current');
    var number = /-m(\d+)$/.exec(target.id);
    var box = target.closest('.lettertext');
    if (number && box) {
      var marks = box.querySelectorAll('mark[data-findings~="' + number[1] + '"]');
      for (var m = 0; m < marks.length; m++) marks[m].classList.add('current');
    }
    target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
  }

  /* ---- sending letters ---------------------------------------------------------------- */

  function handle(files) {
    files = Array.prototype.slice.call(files || []);
    if (!files.length) return;
    var results = byId('resultater');
    results.hidden = false;
    say('Kontrollerer ' + plural(files.length, 'brev', 'breve') + ' …');
    var jobs = files.map(function (file) {
      var article = el('article', 'letter');
      article.setAttribute('aria-busy', 'true');
      article.appendChild(el('h3', null, file.name));
      article.appendChild(el('p', null, 'Kontrolleres …'));
      byId('breve').appendChild(article);
      letters.push({ file: file, article: article });
      return { file: file, article: article };
    });
    var next = 0, found = 0, unreadable = 0;
    function worker() {
      if (next >= jobs.length) return Promise.resolve();
      var job = jobs[next++];
      return check(job.file).then(function (data) {
        found += render(job.article, job.file, data) || 0;
        if (!data.readability) unreadable += 1;
      }).then(worker);
    }
    return rulesReady.then(function () {
      return Promise.all([worker(), worker(), worker(), worker()]);
    }).then(function () {
      var text = plural(jobs.length - unreadable, 'brev', 'breve') + ' kontrolleret, ' +
        found + ' fund';
      if (unreadable) text += ', ' + unreadable + ' kunne ikke læses';
      say(text + '.');
      reportButtons();
    });
  }

  function reportButtons() {
    var several = letters.length >= 2;
    byId('rapport-html').hidden = !several;
    byId('rapport-csv').hidden = !several;
  }

  function filename(disposition, fallback) {
    var star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || '');
    if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
    var plain = /filename="([^"]+)"/i.exec(disposition || '');
    return plain ? plain[1] : fallback;
  }

  function save(blob, name) {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
  }

  function download(url, body, fallback, button) {
    button.disabled = true;
    say('Henter ' + fallback + ' …');
    return post(url, body).then(function (response) {
      if (!response.ok) return errorOf(response);
      var name = filename(response.headers.get('Content-Disposition'), fallback);
      return response.blob().then(function (blob) {
        save(blob, name);
        say('Hentet: ' + name);
      });
    }).catch(function (error) {
      say(error.message);
    }).then(function () { button.disabled = false; });
  }

  function annotate(file, button) {
    var body = new FormData();
    body.append('file', file, file.name);
    var suggest = byId('forslag').checked ? '?suggest=1' : '';
    return download('/api/annotate' + suggest, body, 'den kommenterede kopi', button);
  }

  function audit(format, button) {
    var body = new FormData();
    letters.forEach(function (l) { body.append('file', l.file, l.file.name); });
    return download('/api/audit?format=' + format, body, 'den samlede rapport', button);
  }

  /* ---- wiring ------------------------------------------------------------------------ */

  document.addEventListener('DOMContentLoaded', function () {
    var input = byId('filer');
    var drop = byId('drop');
    input.addEventListener('change', function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = '';
      handle(files);
    });
    ['dragenter', 'dragover'].forEach(function (kind) {
      document.addEventListener(kind, function (event) {
        event.preventDefault();
        drop.classList.add('over');
      });
    });
    document.addEventListener('dragleave', function (event) {
      if (!event.relatedTarget) drop.classList.remove('over');
    });
    document.addEventListener('drop', function (event) {
      event.preventDefault(); // a letter dropped anywhere is checked, never opened by the browser
      drop.classList.remove('over');
      if (event.dataTransfer) handle(event.dataTransfer.files);
    });
    byId('indsaet').addEventListener('submit', function (event) {
      event.preventDefault();
      var text = byId('tekst').value;
      if (!text.trim()) { say('Indsæt en tekst først.'); byId('tekst').focus(); return; }
      handle([new File([text], 'Indsat tekst.txt', { type: 'text/plain' })]);
    });
    byId('breve').addEventListener('click', function (event) {
      var link = event.target.closest('a.goto, a.back');
      if (!link) return;
      var target = byId(link.getAttribute('data-target'));
      if (!target) return;
      event.preventDefault();
      go(target);
    });
    byId('rapport-html').addEventListener('click', function () {
      audit('html', byId('rapport-html'));
    });
    byId('rapport-csv').addEventListener('click', function () {
      audit('csv', byId('rapport-csv'));
    });
    byId('ryd').addEventListener('click', function () {
      letters = [];
      byId('breve').textContent = '';
      byId('resultater').hidden = true;
      reportButtons();
      say('Resultaterne er ryddet.');
      input.focus();
    });
    document.documentElement.setAttribute('data-ready', 'true');
  });
})();
