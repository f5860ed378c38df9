/** The pages' one stylesheet, served at /assets/pages.css (the CSP allows no inline style). */
export const PAGE_STYLES = `
:root {
  --ink: #1d2433; --muted: #5b6475; --line: #dfe3ea; --bg: #f5f7fb; --card: #fff;
  --accent: #3056d3; --accent-ink: #fff; --ok: #17794a; --ok-bg: #e7f6ee;
  --bad: #b42318; --bad-bg: #fdecea;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: var(--ink); background: var(--bg); line-height: 1.5;
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; flex-direction: column; }
a { color: var(--accent); }
.site-header {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .75rem 1.5rem; background: var(--card); border-bottom: 1px solid var(--line);
}
.brand { font-weight: 700; text-decoration: none; color: var(--ink); }
nav ul { display: flex; gap: 1.25rem; list-style: none; margin: 0; padding: 0; }
nav a { text-decoration: none; font-weight: 500; }
nav a:hover, nav a:focus-visible { text-decoration: underline; }
main { flex: 1; width: 100%; max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem; }
h1 { margin: 0 0 1rem; font-size: 1.75rem; }
h2 { margin: 2rem 0 .75rem; font-size: 1.2rem; }
.site-footer { padding: 1rem 1.5rem; color: var(--muted); font-size: .85rem; text-align: center; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: .75rem;
  padding: 1.5rem; box-shadow: 0 1px 2px rgba(16, 24, 40, .05);
}
.narrow { max-width: 26rem; margin: 0 auto; }
.muted { color: var(--muted); }
.flashes { display: grid; gap: .5rem; margin-bottom: 1.25rem; }
.flash { margin: 0; padding: .75rem 1rem; border-radius: .5rem; border: 1px solid; }
.flash-success { color: var(--ok); background: var(--ok-bg); border-color: #b7e4cb; }
.flash-error, .error { color: var(--bad); background: var(--bad-bg); border-color: #f5c2bd; }
.error { padding: .75rem 1rem; border: 1px solid; border-radius: .5rem; margin: 0 0 1rem; }
form.stacked { display: grid; gap: 1rem; }
label { display: grid; gap: .35rem; font-weight: 500; }
input[type=email], input[type=password], input[type=text] {
  font: inherit; padding: .6rem .75rem; border: 1px solid #c4cad6; border-radius: .5rem;
}
input:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid #9db2f5; outline-offset: 2px;
}
button {
  font: inherit; font-weight: 600; cursor: pointer; padding: .55rem 1rem; border-radius: .5rem;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink);
}
button.secondary { background: var(--card); color: var(--accent); }
button.danger { background: var(--card); color: var(--bad); border-color: #e7a49d; }
button:disabled { opacity: .5; cursor: not-allowed; }
.inline { display: inline; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; }
.row { display: flex; flex-wrap: wrap; align-items: end; gap: .75rem; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: .65rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
tr[data-current=true] td { background: #f0f4ff; }
.badge {
  display: inline-block; padding: .1rem .55rem; border-radius: 999px; font-size: .8rem;
  background: #e8edfb; color: var(--accent); font-weight: 600;
}
.ua { max-width: 22rem; word-break: break-word; font-size: .9rem; }
.products { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 1rem; }
.product h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.price { font-size: 1.2rem; font-weight: 700; margin: .25rem 0 .75rem; }
.cart-summary { display: flex; align-items: center; gap: .5rem; margin-bottom: 1.25rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 1rem; }
.stat strong { display: block; font-size: 2rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; margin-top: 1rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: .5rem; }
svg.chart { width: 100%; height: auto; }
.chart .bar { fill: var(--accent); }
.chart .axis { stroke: #9aa3b2; stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 11px; }
.chart text.value { fill: var(--ink); font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .5rem 1.5rem; margin: 0 0 1.5rem; }
dt { color: var(--muted); }
dd { margin: 0; font-weight: 500; }
`;
