/*
 * Command Center dashboard page (docs/dashboard.md). The admin token comes from #token= or ?token= once, then lives
 * in session storage (the address bar loses it at once); without one a form asks for it, and a refused one shows
 * "The admin token was refused: ..." with the form. Each tab loads a REST snapshot and follows its feed
 * (DashboardModel.followFeed: back-off, since= resume, snapshot reload after a gap); plugins, counters, telemetry
 * and errors are polled while their tab shows.
 *
 * Every value from the server is set with textContent: no HTML from anyone reaches the DOM.
 *
 * DOM for tests: #tab-<name> (role=tab), #panel-<name>; #balance-confirmed, #feed-wallet (live | reconnecting…);
 * #queue-state; #plugins tr[data-plugin=ID] button[data-op=enable|disable|reload]; #error; #token-form.
 */
(function ()
{
    'use strict';

    var Model = window.DashboardModel;
    var TOKEN_KEY = 'cc.dashboard.token';
    var THEME_KEY = 'cc.dashboard.theme';
    var TABS = ['wallet', 'stream', 'chat', 'automation', 'plugins', 'system'];
    var PLUGINS_POLL_MS = 2000;
    var COUNTERS_POLL_MS = 2000;
    var TELEMETRY_POLL_MS = 10000;
    var FEEDS_POLL_MS = 5000;
    var TIMEOUT_MS = 600000;

    var element = function (id) { return document.getElementById(id); };

    var token = '';
    var started = false;
    var refused = false;
    var feeds = [];
    var timers = [];
    var activeTab = 'wallet';
    var polled = {};
    var streamerName = 'streamer';
    var wallet = Model.createSync(Model.walletFromSnapshot, function (state, message)
    {
        return Model.applyWallet(state, message, Date.now());
    });
    var automation = Model.createSync(Model.automationFromSnapshot, Model.applyAutomation);
    var chatLines = Model.createChatLines(200);
    var rates = Model.createRates();
    var plots = {};
    var alerts = [];

    function readStored(storage, key)
    {
        try
        {
            return storage.getItem(key) || '';
        }
        catch (e)
        {
            return '';
        }
    }

    function writeStored(storage, key, value)
    {
        try
        {
            if (value)
            {
                storage.setItem(key, value);
            }
            else
            {
                storage.removeItem(key);
            }
        }
        catch (e)
        {
            // Storage may be disabled: the page still works for this visit.
        }
    }

    /* The token from the address (moved to session storage, address bar cleaned) or from an earlier load. */
    function takeToken()
    {
        var fromAddress = Model.tokenFromAddress(window.location.search, window.location.hash);
        if (fromAddress)
        {
            writeStored(window.sessionStorage, TOKEN_KEY, fromAddress);
            window.history.replaceState(null, '', Model.addressWithoutToken(window.location.pathname,
                window.location.search, window.location.hash));
            return fromAddress;
        }
        return readStored(window.sessionStorage, TOKEN_KEY);
    }

    function clear(node)
    {
        while (node.firstChild)
        {
            node.removeChild(node.firstChild);
        }
    }

    function cell(row, value, className)
    {
        var td = document.createElement('td');
        td.textContent = value === undefined || value === null ? '' : String(value);
        if (className)
        {
            td.className = className;
        }
        row.appendChild(td);
        return td;
    }

    function button(label, className, onClick)
    {
        var b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        if (className)
        {
            b.className = className;
        }
        b.addEventListener('click', onClick);
        return b;
    }

    function showError(text)
    {
        element('error').textContent = text;
        element('error').hidden = false;
    }

    function hideError()
    {
        element('error').textContent = '';
        element('error').hidden = true;
    }

    /* ---- REST ---- */

    function RequestError(status, body)
    {
        this.status = status;
        this.body = body;
        this.message = body && body.error ? String(body.error) : 'HTTP ' + status;
    }

    /* A JSON request with the token in the Authorization header (never in the URL); rejects with RequestError. */
    function request(method, path, body)
    {
        var init = { method: method, headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store' };
        if (body !== undefined)
        {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        return window.fetch(path, init).then(function (response)
        {
            return response.text().then(function (text)
            {
                var json = null;
                try
                {
                    json = text ? JSON.parse(text) : null;
                }
                catch (e)
                {
                    json = { error: text.substring(0, 200) };
                }
                if (response.status === 401 || response.status === 403)
                {
                    if (path.indexOf('/api/plugins') !== 0 || response.status === 401)
                    {
                        tokenRefused(response.status, json);
                    }
                }
                if (!response.ok)
                {
                    throw new RequestError(response.status, json);
                }
                return json;
            });
        });
    }

    function tokenRefused(status, body)
    {
        if (refused)
        {
            return;
        }
        refused = true;
        stopAll();
        writeStored(window.sessionStorage, TOKEN_KEY, '');
        showError(Model.refusedText(status, body));
        element('app').hidden = true;
        element('sign-out').hidden = true;
        element('token-form').hidden = false;
    }

    function failed(target)
    {
        return function (error)
        {
            element(target).textContent = error && error.message ? error.message : String(error);
        };
    }

    /* ---- tabs ---- */

    function selectTab(name, focus)
    {
        activeTab = name;
        TABS.forEach(function (tab)
        {
            var selected = tab === name;
            var tabElement = element('tab-' + tab);
            tabElement.setAttribute('aria-selected', selected ? 'true' : 'false');
            tabElement.tabIndex = selected ? 0 : -1;
            element('panel-' + tab).hidden = !selected;
            if (selected && focus)
            {
                tabElement.focus();
            }
        });
        startPolling(name);
        if (name === 'system')
        {
            resizePlots();
        }
    }

    function setUpTabs()
    {
        TABS.forEach(function (tab, index)
        {
            var tabElement = element('tab-' + tab);
            tabElement.addEventListener('click', function () { selectTab(tab, false); });
            tabElement.addEventListener('keydown', function (event)
            {
                var next = Model.tabAfterKey(event.key, index, TABS.length);
                if (next >= 0)
                {
                    event.preventDefault();
                    selectTab(TABS[next], true);
                }
            });
        });
    }

    /* ---- theme ---- */

    function applyTheme(theme)
    {
        var dark = theme === 'dark' || (theme !== 'light' && window.matchMedia &&
            window.matchMedia('(prefers-color-scheme: dark)').matches);
        document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
        element('theme').setAttribute('aria-pressed', dark ? 'true' : 'false');
        element('theme').textContent = dark ? 'Light theme' : 'Dark theme';
    }

    function setUpTheme()
    {
        applyTheme(readStored(window.localStorage, THEME_KEY));
        element('theme').addEventListener('click', function ()
        {
            var dark = document.documentElement.getAttribute('data-theme') === 'dark';
            writeStored(window.localStorage, THEME_KEY, dark ? 'light' : 'dark');
            applyTheme(dark ? 'light' : 'dark');
        });
        if (window.matchMedia)
        {
            var query = window.matchMedia('(prefers-color-scheme: dark)');
            var onChange = function () { applyTheme(readStored(window.localStorage, THEME_KEY)); };
            if (query.addEventListener)
            {
                query.addEventListener('change', onChange);
            }
        }
    }

    /* ---- feeds ---- */

    function follow(feed, types, stateId, onMessage, reload)
    {
        var follower = Model.followFeed(window, {
            feed: feed,
            token: token,
            types: types,
            message: onMessage,
            reload: reload,
            status: function (state, detail)
            {
                var node = element(stateId);
                node.textContent = Model.feedStateText(state);
                node.title = detail;
                node.setAttribute('data-state', state);
            },
            refused: function (reason)
            {
                if (/token|unauthori[sz]ed|scope/i.test(reason))
                {
                    tokenRefused(401, { error: reason });
                }
            }
        });
        feeds.push(follower);
        return follower;
    }

    /* ---- wallet ---- */

    function loadWallet()
    {
        wallet.loading();
        request('GET', '/api/wallet').then(function (json)
        {
            renderWallet(wallet.snapshot(json));
        }, function (error)
        {
            renderWallet(wallet.failed());
            element('wallet-off').textContent = 'The wallet could not be loaded: ' + error.message;
            element('wallet-off').hidden = false;
        });
    }

    function renderWallet(state)
    {
        if (state === null)
        {
            return;
        }
        var off = element('wallet-off');
        if (!state.enabled)
        {
            off.textContent = 'No wallet: ' + (state.reason || 'none is configured') + '.';
            off.hidden = false;
        }
        else
        {
            off.hidden = true;
        }
        element('balance-confirmed').textContent = Model.formatBtc(state.balance.confirmedSats);
        element('balance-confirmed-sats').textContent = Model.formatSats(state.balance.confirmedSats);
        element('balance-unconfirmed').textContent = Model.formatBtc(state.balance.unconfirmedSats);
        element('balance-unconfirmed-sats').textContent = Model.formatSats(state.balance.unconfirmedSats);
        element('wallet-state').textContent = state.state || '–';
        element('wallet-state').setAttribute('data-state', state.state);
        element('wallet-network').textContent = state.network + (state.reason ? ' · ' + state.reason : '');
        element('wallet-tip').textContent = state.tipHeight > 0 ? String(state.tipHeight) : '–';
        element('wallet-server').textContent = state.server;

        var body = element('payments').tBodies[0];
        clear(body);
        state.payments.forEach(function (p)
        {
            var row = document.createElement('tr');
            row.setAttribute('data-txid', p.txid);
            var tx = cell(row, Model.shortTxid(p.txid), 'mono');
            tx.title = p.txid;
            var address = cell(row, p.address, 'mono wrap');
            address.title = p.address;
            cell(row, Model.formatBtc(p.amountSats), 'num');
            cell(row, p.height > 0 ? p.height : 'mempool', 'num');
            cell(row, p.reorged ? 'reorged' : Model.confirmationsOf(p, state.tipHeight), 'num confirmations');
            cell(row, p.memo, 'wrap');
            body.appendChild(row);
        });
        element('payments-empty').hidden = state.payments.length > 0;

        var failovers = element('failovers').tBodies[0];
        clear(failovers);
        state.failovers.forEach(function (f)
        {
            var row = document.createElement('tr');
            cell(row, Model.formatTime(f.atEpochMs));
            cell(row, f.state);
            cell(row, f.server, 'wrap');
            cell(row, f.reason, 'wrap');
            failovers.appendChild(row);
        });
    }

    /* ---- stream ---- */

    function renderQueue(message)
    {
        var view = Model.queueView(message);
        element('queue-state').textContent = view.paused ? 'paused' : 'running';
        element('queue-state').setAttribute('data-paused', view.paused ? 'true' : 'false');
        element('queue-detail').textContent = view.pending + (view.pending === 1 ? ' alert' : ' alerts') +
            ' pending' + (view.action ? ' · last: ' + view.action.toLowerCase().replace(/_/g, ' ') : '');
    }

    function onStreamMessage(message)
    {
        if (message.type === 'OverlayQueue')
        {
            renderQueue(message);
        }
        else if (message.type === 'OverlayAlert')
        {
            if (alerts.some(function (a) { return a.alertId === message.alertId; }))
            {
                return;
            }
            alerts.unshift({ alertId: message.alertId, title: String(message.title || ''),
                message: String(message.message || ''), kind: String(message.kind || '') });
            alerts = alerts.slice(0, 10);
            var list = element('alerts');
            clear(list);
            alerts.forEach(function (a)
            {
                var item = document.createElement('li');
                var title = document.createElement('strong');
                title.textContent = a.title;
                item.appendChild(title);
                item.appendChild(document.createTextNode(' ' + a.message));
                list.appendChild(item);
            });
        }
    }

    function loadFeeds()
    {
        return request('GET', '/api/feeds').then(function (json)
        {
            var body = element('feeds').tBodies[0];
            clear(body);
            (json && Array.isArray(json.feeds) ? json.feeds : []).forEach(function (f)
            {
                var row = document.createElement('tr');
                cell(row, f.feed);
                cell(row, f.clients, 'num');
                body.appendChild(row);
            });
            element('clients-total').textContent = json && json.clients !== undefined ? String(json.clients) : '–';
        }, failed('stream-result'));
    }

    function setUpStream()
    {
        Array.prototype.forEach.call(document.querySelectorAll('.stream-action'), function (b)
        {
            b.addEventListener('click', function ()
            {
                var action = b.getAttribute('data-action');
                element('stream-result').textContent = action + '…';
                request('POST', '/api/stream/control', { action: action }).then(function (answer)
                {
                    element('stream-result').textContent = action + ' sent (receipt ' +
                        (answer && answer.receipt !== undefined ? answer.receipt : '?') + ')';
                }, failed('stream-result'));
            });
        });
    }

    /* ---- chat ---- */

    function renderChat()
    {
        var list = element('chat-lines');
        var atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
        clear(list);
        chatLines.lines().forEach(function (line)
        {
            var item = document.createElement('li');
            item.className = 'line' + (line.kind === 'PAID' ? ' paid' : '') + (line.kind === 'NOTICE' ? ' notice' : '');
            item.setAttribute('data-line-id', line.id);
            item.setAttribute('data-user', line.user);
            var user = document.createElement('span');
            user.className = 'user';
            user.textContent = line.user;
            item.appendChild(user);
            if (line.kind === 'PAID')
            {
                var amount = document.createElement('span');
                amount.className = 'amount';
                amount.textContent = Model.formatBtc(line.amountSats);
                item.appendChild(amount);
            }
            var text = document.createElement('span');
            text.className = 'text';
            text.textContent = line.text;
            item.appendChild(text);
            var tools = document.createElement('span');
            tools.className = 'tools';
            tools.appendChild(button('Delete', 'mod-delete', function ()
            {
                moderate({ action: 'delete', lineId: Number(line.id) });
            }));
            if (line.role === 'VIEWER')
            {
                tools.appendChild(button('Time out', 'mod-timeout', function ()
                {
                    moderate({ action: 'timeout', target: line.user, durationMs: TIMEOUT_MS });
                }));
                tools.appendChild(button('Ban', 'mod-ban danger', function ()
                {
                    moderate({ action: 'ban', target: line.user, durationMs: 0 });
                }));
            }
            item.appendChild(tools);
            list.appendChild(item);
        });
        if (atBottom)
        {
            list.scrollTop = list.scrollHeight;
        }
        var slow = chatLines.slowModeMs();
        element('chat-slow').textContent = slow > 0 ? 'Slow mode: ' + Model.formatDuration(slow) : 'Slow mode off';
    }

    function moderate(body)
    {
        request('POST', '/api/chat/moderation', body).then(function ()
        {
            element('chat-result').textContent = body.action + ' sent';
        }, failed('chat-result'));
    }

    function setUpChat()
    {
        element('slow-set').addEventListener('click', function ()
        {
            moderate({ action: 'slow', durationMs: Number(element('slow-select').value) });
        });
        element('chat-clear').addEventListener('click', function () { moderate({ action: 'clear' }); });
        element('chat-form').addEventListener('submit', function (event)
        {
            event.preventDefault();
            var text = element('chat-text').value;
            if (!text.trim())
            {
                return;
            }
            request('POST', '/api/chat/messages', { name: streamerName, text: text }).then(function ()
            {
                element('chat-text').value = '';
                element('chat-result').textContent = '';
            }, failed('chat-result'));
        });
    }

    /* ---- automation ---- */

    function loadAutomation()
    {
        automation.loading();
        request('GET', '/api/automation').then(function (json)
        {
            renderAutomation(automation.snapshot(json));
        }, function (error)
        {
            renderAutomation(automation.failed());
            element('automation-errors').textContent = 'The automation could not be loaded: ' + error.message;
            element('automation-errors').hidden = false;
        });
    }

    function fireRows(tbody, fires)
    {
        clear(tbody);
        fires.forEach(function (f)
        {
            var row = document.createElement('tr');
            cell(row, Model.formatTime(f.atEpochMs));
            cell(row, f.rule || f.ruleId);
            cell(row, f.outcome, 'outcome');
            cell(row, f.user);
            cell(row, f.summary, 'wrap');
            tbody.appendChild(row);
        });
    }

    function renderAutomation(state)
    {
        if (state === null)
        {
            return;
        }
        var errors = element('automation-errors');
        errors.textContent = state.errors;
        errors.hidden = !state.errors;
        var rules = element('rules').tBodies[0];
        clear(rules);
        state.rules.forEach(function (rule)
        {
            var row = document.createElement('tr');
            var toggleCell = document.createElement('td');
            var toggle = document.createElement('input');
            toggle.type = 'checkbox';
            toggle.checked = rule.enabled !== false;
            toggle.setAttribute('aria-label', 'Rule ' + String(rule.id) + ' enabled');
            toggle.addEventListener('change', function ()
            {
                request('POST', '/api/automation/control', { action: toggle.checked ? 'enable' : 'disable',
                    rule: String(rule.id) }).catch(failed('dry-run-result'));
            });
            toggleCell.appendChild(toggle);
            row.appendChild(toggleCell);
            cell(row, rule.id);
            cell(row, typeof rule.trigger === 'object' ? JSON.stringify(rule.trigger) : rule.trigger, 'wrap');
            cell(row, rule.queue);
            cell(row, rule.fired, 'num');
            rules.appendChild(row);
        });
        var variables = element('variables').tBodies[0];
        clear(variables);
        Object.keys(state.variables).forEach(function (name)
        {
            var row = document.createElement('tr');
            cell(row, name);
            var value = state.variables[name];
            cell(row, typeof value === 'object' ? JSON.stringify(value) : value);
            variables.appendChild(row);
        });
        fireRows(element('fires').tBodies[0], state.fires);
        element('rules-empty').hidden = state.rules.length > 0;
        element('fires-empty').hidden = state.fires.length > 0;
    }

    function setUpAutomation()
    {
        element('dry-run').addEventListener('click', function ()
        {
            element('dry-run-result').textContent = 'Running…';
            request('POST', '/api/automation/dry-run', { since: '1h' }).then(function (json)
            {
                var fires = json && Array.isArray(json.fires) ? json.fires : [];
                var errors = json && Array.isArray(json.errors) ? json.errors : [];
                element('dry-run-result').textContent = (json ? json.events : 0) + ' events, ' + fires.length +
                    ' fires' + (errors.length ? ', errors: ' + errors.join('; ') : '');
                fireRows(element('dry-run-fires').tBodies[0], fires);
                element('dry-run-fires').hidden = false;
            }, failed('dry-run-result'));
        });
    }

    /* ---- plugins ---- */

    function loadPlugins()
    {
        return request('GET', '/api/plugins').then(function (json)
        {
            var body = element('plugins').tBodies[0];
            clear(body);
            (json && Array.isArray(json.plugins) ? json.plugins : []).forEach(function (p)
            {
                var row = document.createElement('tr');
                row.setAttribute('data-plugin', p.id);
                row.setAttribute('data-enabled', p.enabled ? 'true' : 'false');
                var name = cell(row, p.id);
                name.title = p.name || '';
                var state = cell(row, (p.enabled ? '' : 'disabled · ') + p.state + (p.reason ? ': ' + p.reason : ''),
                    'wrap state');
                state.setAttribute('data-state', p.state);
                cell(row, p.version);
                cell(row, p.where || p.origin, 'wrap');
                cell(row, p.lag, 'num');
                cell(row, Model.formatNanos(p.p50Ns), 'num');
                cell(row, Model.formatNanos(p.p99Ns), 'num');
                cell(row, p.errors, 'num');
                cell(row, p.lastError, 'wrap');
                var actions = document.createElement('td');
                var tools = document.createElement('span');
                tools.className = 'tools';
                ['enable', 'disable', 'reload'].forEach(function (op)
                {
                    var b = button(op.charAt(0).toUpperCase() + op.substring(1), op === 'disable' ? 'danger' : '',
                        function () { pluginOp(p.id, op); });
                    b.setAttribute('data-op', op);
                    b.setAttribute('aria-label', op + ' ' + p.id);
                    b.disabled = (op === 'enable' && p.enabled) || (op === 'disable' && !p.enabled);
                    tools.appendChild(b);
                });
                actions.appendChild(tools);
                row.appendChild(actions);
                body.appendChild(row);
            });
            element('plugins-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
        }, failed('plugins-result'));
    }

    function pluginOp(id, op)
    {
        element('plugins-result').textContent = op + ' ' + id + '…';
        request('POST', '/api/plugins/' + encodeURIComponent(id) + '/' + op).then(function (answer)
        {
            element('plugins-result').textContent = answer && answer.message ? String(answer.message) : op + ' ' + id + ': done';
            loadPlugins();
        }, failed('plugins-result'));
    }

    /* ---- system ---- */

    function loadCounters()
    {
        return request('GET', '/api/counters').then(function (json)
        {
            var rows = rates.sample(json);
            var body = element('counters').tBodies[0];
            clear(body);
            rows.forEach(function (r)
            {
                var row = document.createElement('tr');
                cell(row, r.label);
                cell(row, r.value.toLocaleString('en'), 'num');
                cell(row, Model.formatRate(r.rate), 'num');
                body.appendChild(row);
            });
            element('counters-updated').textContent = 'sampled ' + Model.formatTime(json && json.sampledAtEpochMs);
        }, failed('counters-updated'));
    }

    function plotWidth()
    {
        var container = element('plots');
        var width = container.clientWidth || 600;
        // Two plots a row on a wide screen; each box adds its padding and border (18 px) around the chart.
        return Math.max(200, (width >= 900 ? Math.floor((width - 16) / 2) : width) - 18);
    }

    function resizePlots()
    {
        var width = plotWidth();
        Object.keys(plots).forEach(function (id)
        {
            plots[id].chart.setSize({ width: width, height: 200 });
        });
    }

    function loadTelemetry()
    {
        return request('GET', '/api/telemetry?since=1h').then(function (json)
        {
            var container = element('plots');
            Model.telemetryPlots(json).forEach(function (plot)
            {
                var existing = plots[plot.id];
                if (existing && existing.labels.join('|') === plot.labels.join('|'))
                {
                    existing.chart.setData(plot.data);
                    existing.box.setAttribute('data-points', String(plot.data[0].length));
                    return;
                }
                if (existing)
                {
                    existing.chart.destroy();
                    existing.box.parentNode.removeChild(existing.box);
                }
                if (typeof window.uPlot !== 'function')
                {
                    return;
                }
                var box = document.createElement('figure');
                box.className = 'plot';
                box.setAttribute('data-plot', plot.id);
                container.appendChild(box);
                var palette = ['#3b82f6', '#f97316', '#10b981', '#a855f7', '#ef4444', '#eab308'];
                var chart = new window.uPlot({
                    title: plot.title + ' (' + plot.unit + ')',
                    width: plotWidth(),
                    height: 200,
                    series: [{}].concat(plot.labels.map(function (label, index)
                    {
                        return { label: label, stroke: palette[index % palette.length], width: 2, spanGaps: true };
                    })),
                    axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
                        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } }]
                }, plot.data, box);
                box.setAttribute('data-points', String(plot.data[0].length));
                plots[plot.id] = { chart: chart, box: box, labels: plot.labels };
            });
        }, failed('counters-updated'));
    }

    function loadErrors()
    {
        return request('GET', '/api/errors').then(function (json)
        {
            var errors = json && Array.isArray(json.errors) ? json.errors : [];
            var body = element('errors').tBodies[0];
            clear(body);
            errors.forEach(function (e)
            {
                var row = document.createElement('tr');
                cell(row, e.count, 'num');
                cell(row, Model.formatTime(e.firstEpochMs));
                cell(row, Model.formatTime(e.lastEpochMs));
                // The record is the whole stack trace: its first line shows, the rest opens on demand.
                var message = String(e.message || '');
                var lines = message.split('\n');
                var td = cell(row, '', 'wrap mono');
                var details = document.createElement('details');
                var summary = document.createElement('summary');
                summary.textContent = lines[0];
                details.appendChild(summary);
                if (lines.length > 1)
                {
                    var rest = document.createElement('pre');
                    rest.textContent = lines.slice(1).join('\n');
                    details.appendChild(rest);
                }
                td.appendChild(details);
                body.appendChild(row);
            });
            element('errors-empty').hidden = errors.length > 0;
        }, failed('counters-updated'));
    }

    /* ---- polling: each tab's pollers start the first time it shows and run while it shows ---- */

    function every(tab, ms, load)
    {
        load();
        timers.push(window.setInterval(function ()
        {
            if (activeTab === tab && !document.hidden)
            {
                load();
            }
        }, ms));
    }

    function startPolling(tab)
    {
        if (!started || polled[tab])
        {
            if (started && polled[tab])
            {
                refreshNow(tab);
            }
            return;
        }
        polled[tab] = true;
        switch (tab)
        {
            case 'stream':
                every('stream', FEEDS_POLL_MS, loadFeeds);
                break;
            case 'plugins':
                every('plugins', PLUGINS_POLL_MS, loadPlugins);
                break;
            case 'system':
                every('system', COUNTERS_POLL_MS, loadCounters);
                every('system', TELEMETRY_POLL_MS, loadTelemetry);
                every('system', TELEMETRY_POLL_MS, loadErrors);
                break;
            default:
        }
    }

    function refreshNow(tab)
    {
        if (tab === 'plugins')
        {
            loadPlugins();
        }
        else if (tab === 'stream')
        {
            loadFeeds();
        }
    }

    function stopAll()
    {
        feeds.forEach(function (f) { f.stop(); });
        feeds = [];
        timers.forEach(function (t) { window.clearInterval(t); });
        timers = [];
        polled = {};
        started = false;
    }

    /* ---- start ---- */

    function start()
    {
        refused = false;
        hideError();
        element('token-form').hidden = true;
        // Check the token once before opening the feeds, so a wrong one is one clear error.
        request('GET', '/api/feeds').then(open, function (error)
        {
            if (error && (error.status === 401 || error.status === 403))
            {
                return;
            }
            open();
        });
    }

    function open()
    {
        if (refused || started)
        {
            return;
        }
        started = true;
        element('app').hidden = false;
        element('sign-out').hidden = false;
        element('overlay-preview').src = '/plugins/stream-bridge/?token=' + encodeURIComponent(token);

        follow('wallet', '', 'feed-wallet', function (message)
        {
            renderWallet(wallet.message(message));
        }, loadWallet);
        loadWallet();

        follow('stream-bridge', 'OverlayQueue,OverlayAlert', 'feed-stream', onStreamMessage, null);

        follow('chat', '', 'feed-chat', function (message)
        {
            if (chatLines.apply(message))
            {
                renderChat();
            }
        }, null);
        request('GET', '/api/chat/session').then(function (json)
        {
            if (json && json.streamerName)
            {
                streamerName = String(json.streamerName);
            }
        }, function () { /* no chat gateway: posting answers why */ });

        follow('automation', '', 'feed-automation', function (message)
        {
            renderAutomation(automation.message(message));
        }, loadAutomation);
        loadAutomation();

        selectTab(activeTab, false);
    }

    function setUpTokenForm()
    {
        element('token-form').addEventListener('submit', function (event)
        {
            event.preventDefault();
            var value = element('token-input').value.trim();
            if (!value)
            {
                return;
            }
            token = value;
            element('token-input').value = '';
            writeStored(window.sessionStorage, TOKEN_KEY, token);
            start();
        });
        element('sign-out').addEventListener('click', function ()
        {
            stopAll();
            token = '';
            writeStored(window.sessionStorage, TOKEN_KEY, '');
            element('app').hidden = true;
            element('sign-out').hidden = true;
            element('token-form').hidden = false;
        });
    }

    setUpTheme();
    setUpTabs();
    setUpStream();
    setUpChat();
    setUpAutomation();
    setUpTokenForm();
    window.addEventListener('resize', resizePlots);

    token = takeToken();
    if (token)
    {
        start();
    }
    else
    {
        element('token-form').hidden = false;
    }
})();
