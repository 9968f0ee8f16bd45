package cloud.luoyun.osmanager;

/**
 * How readable a page's text is, as the browser draws it: a JavaScript expression for a page
 * under test that finds the lowest contrast ratio (WCAG 2) of any visible text in a part of it.
 * Each element with text of its own counts, its computed colour over its computed background
 * (the backgrounds of it and its ancestors composited onto white). Shared by the browser tests
 * of the owner's page and of the web terminal.
 */
public final class PageContrast {
  private static final String SCRIPT = """
      (() => {
        const rgba = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
        const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
        const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
        let worst = { ratio: 99, text: '' };
        for (const el of document.querySelectorAll('SELECTOR, SELECTOR *')) {
          const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
          const style = getComputedStyle(el);
          if (!own || el.getClientRects().length === 0 || style.visibility !== 'visible') continue;
          const chain = [];
          for (let e = el; e; e = e.parentElement) chain.unshift(rgba(getComputedStyle(e).backgroundColor));
          const bg = chain.reduce((under, top) => over(top, under), [255, 255, 255, 1]);
          const fg = over(rgba(style.color), bg);
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          const ratio = (a + 0.05) / (b + 0.05);
          if (ratio < worst.ratio) worst = { ratio: ratio, text: own.slice(0, 40) + ' [' + style.color + ' on ' + bg + ']' };
        }
        return worst.ratio.toFixed(2) + ' ' + worst.text;
      })()""";

  private PageContrast() {}

  /**
   * The expression; its value is the ratio with two decimals, then the text and its colours:
   * {@code "5.17 Open OwnCloud [rgb(255, 255, 255) on 37,99,235,1]"}.
   *
   * @param selector the part of the page, a CSS selector without quotes ({@code body}, {@code #bar})
   */
  public static String lowest(String selector) {
    return SCRIPT.replace("SELECTOR", selector);
  }

  /** The ratio of what {@link #lowest} found. */
  public static double ratio(Object found) {
    return Double.parseDouble(String.valueOf(found).split(" ")[0]);
  }
}
