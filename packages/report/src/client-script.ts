/**
 * The page's script (plain browser JavaScript, inlined after uPlot): draws every chart of the embedded data
 * (`<script type="application/json" id="report-data">`, the {@link ChartSpec}s of chart-data.ts) with uPlot,
 * redraws them on the log-scale toggle and on resize, and records what it drew in `window.ensembleReport`
 * (the browser test reads it). Kept small: every number is prepared by chart-data.ts.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#bcbd22', '#7f7f7f', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2',
    '#9edae5', '#dbdb8d', '#393b79'];
  var state = { log: false, charts: [] };
  window.ensembleReport = { ready: false, charts: [] };

  function color(spec, i) {
    var label = spec.series[i].label;
    if (spec.kind === 'stacked' && label === 'cash') return '#d9d9d9';
    if (spec.kind === 'stacked' && label === 'other') return '#a0a0a0';
    if (spec.kind !== 'stacked' && label === 'account') return '#1a237e';
    if (spec.kind !== 'stacked' && i === 1 && data.benchmarks.indexOf(label) >= 0) return '#b07d2b';
    return PALETTE[i % PALETTE.length];
  }
  function fmt(kind, v) {
    if (v === null || v === undefined || isNaN(v)) return '—';
    if (kind === 'money') return '$' + Math.round(v).toLocaleString('en-US');
    if (kind === 'growth') return v.toFixed(v < 10 ? 3 : 1);
    return (v * 100).toFixed(1) + '%';
  }
  function build(spec) {
    var el = document.getElementById('chart-' + spec.id);
    el.textContent = '';
    var log = state.log && spec.logScale;
    var width = Math.max(280, el.clientWidth || 800);
    var height = spec.kind === 'stacked' ? 220 : 300;
    var columns = [spec.x];
    var series = [{}];
    if (spec.kind === 'stacked') {
      var running = spec.x.map(function () { return 0; });
      var stacked = spec.series.map(function (s) {
        return s.values.map(function (v, t) {
          if (v === null) return null;
          running[t] += v;
          return running[t];
        });
      });
      for (var i = spec.series.length - 1; i >= 0; i--) {
        (function (k) {
          var c = color(spec, k);
          columns.push(stacked[k]);
          series.push({
            label: spec.series[k].label, stroke: c, fill: c, width: 0, points: { show: false },
            value: function (u, v, si, idx) { return fmt('pct', idx === null ? null : spec.series[k].values[idx]); }
          });
        })(i);
      }
    } else {
      spec.series.forEach(function (s, k) {
        columns.push(log ? s.values.map(function (v) { return v !== null && v > 0 ? v : null; }) : s.values);
        series.push({
          label: s.label, stroke: color(spec, k), width: s.label === 'account' ? 2 : 1,
          show: s.show !== false, points: { show: false },
          value: function (u, v) { return fmt(spec.y, v); }
        });
      });
    }
    var opts = {
      title: spec.title, width: width, height: height, series: series,
      scales: {
        x: { time: true },
        y: spec.kind === 'stacked' ? { range: [0, 1] } : log ? { distr: 3 } : { auto: true }
      },
      axes: [{}, { size: 72, values: function (u, vals) { return vals.map(function (v) { return fmt(spec.y, v); }); } }],
      cursor: { drag: { x: true, y: false } }
    };
    var chart = new uPlot(opts, columns, el);
    return { spec: spec, chart: chart };
  }
  function drawAll() {
    state.charts.forEach(function (c) { c.chart.destroy(); });
    state.charts = data.charts.map(build);
    window.ensembleReport.charts = state.charts.map(function (c) {
      return { id: c.spec.id, series: c.spec.series.length, points: c.spec.x.length };
    });
    window.ensembleReport.log = state.log;
    window.ensembleReport.ready = true;
  }
  var toggle = document.getElementById('log-scale');
  if (toggle) toggle.addEventListener('change', function () { state.log = toggle.checked; drawAll(); });
  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      state.charts.forEach(function (c) {
        var el = document.getElementById('chart-' + c.spec.id);
        c.chart.setSize({ width: Math.max(280, el.clientWidth || 800), height: c.chart.height });
      });
    }, 150);
  });
  drawAll();
})();`;
