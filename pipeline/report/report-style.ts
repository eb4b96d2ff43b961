/** The report's only style sheet, inlined into the page (no external file, no font download). */
export const REPORT_CSS = `
body{font:14px/1.4 system-ui,sans-serif;color:#222;margin:0;background:#f6f7f9}
header{background:#1f2d3d;color:#fff;padding:14px 24px}header h1{margin:0;font-size:22px}header .origin{margin:4px 0 0;color:#cfd8e3}
header code{color:#fff}main{padding:8px 24px 32px}section{background:#fff;border:1px solid #e3e6ea;border-radius:6px;margin:14px 0;padding:10px 16px}
h2{font-size:17px;margin:4px 0 8px}h3{font-size:15px}.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure.chart{margin:0;max-width:100%}figure.chart svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#555;max-width:760px}.source{color:#888;font-size:12px}
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:4px 14px;margin:6px 0;flex:1;min-width:260px}
dl.figures div{border-bottom:1px solid #eee;padding:2px 0}dt{font-size:12px;color:#666}dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
table.data{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}table.data th,table.data td{border-bottom:1px solid #eee;padding:2px 8px;text-align:right}
table.data th:first-child,table.data td:first-child{text-align:left}
`;
