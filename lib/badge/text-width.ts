/**
 * Width of badge text without a font at hand: Verdana's advance widths (units per em 2048) for
 * printable ASCII, the font badges are drawn in. The SVG also sets textLength to this width, so a
 * viewer that substitutes another font still fits the text to the same box.
 */

// Advance widths of U+0020..U+007E in Verdana, 2048 units per em.
const VERDANA_ASCII = [
  720, 824, 1007, 1823, 1392, 2412, 1592, 549, 1010, 1010, 1392, 1823, 717, 1033, 717, 1010, // space … /
  1392, 1392, 1392, 1392, 1392, 1392, 1392, 1392, 1392, 1392, // 0 … 9
  1010, 1010, 1823, 1823, 1823, 1196, 2187, // : ; < = > ? @
  1405, 1407, 1432, 1583, 1292, 1180, 1578, 1553, 868, 1010, 1422, 1141, 1733, // A … M
  1535, 1614, 1225, 1614, 1430, 1406, 1240, 1520, 1405, 2036, 1402, 1240, 1400, // N … Z
  1010, 1010, 1010, 1823, 1392, 1392, // [ \ ] ^ _ `
  1229, 1276, 1067, 1276, 1220, 720, 1276, 1296, 562, 705, 1208, 562, 1992, // a … m
  1296, 1243, 1276, 1276, 874, 1064, 807, 1296, 1208, 1680, 1208, 1208, 1069, // n … z
  1392, 1010, 1392, 1823, // { | } ~
];

/** Anything outside printable ASCII (an ellipsis, a letter with an accent): a wide letter's width. */
const FALLBACK = 1400;

/** Width in px of `text` in Verdana at `fontSize` px. */
export function textWidth(text: string, fontSize = 11): number {
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    units += (cp >= 0x20 && cp <= 0x7e ? VERDANA_ASCII[cp - 0x20] : undefined) ?? FALLBACK;
  }
  return (units / 2048) * fontSize;
}
