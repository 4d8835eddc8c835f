import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import mammoth from 'mammoth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/main/formats/decode';
import { DOCX_LIMITS, docxImporter, parseDocx } from '../../src/main/formats/import/docx';
import { declaredCharset, htmlImporter, htmlText } from '../../src/main/formats/import/html';
import { registerImporter } from '../../src/main/formats/import/index';
import { importBatch } from '../../src/main/services/importer';
import { markdownImporter } from '../../src/main/formats/import/markdown';
import { type Companions, ImportError, type Importer } from '../../src/main/formats/import/types';
import { openCorpusStore } from '../../src/main/services/loupeService';
import type { CorpusStore } from '../../src/main/store/corpusStore';

const fixtures = path.resolve(__dirname, '../fixtures/documents');
const noCompanions: Companions = { get: () => undefined };
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The one document an importer reads from `data` named `name`. */
function readOne(importer: Importer, name: string, data: Uint8Array) {
  const parsed = importer.parse({ name, data }, noCompanions);
  expect(parsed.documents).toHaveLength(1);
  return { ...parsed.documents[0]!, encoding: parsed.encoding, format: parsed.format };
}
const fixture = (importer: Importer, name: string) => readOne(importer, name, fs.readFileSync(path.join(fixtures, name)));
const html = (source: string) => readOne(htmlImporter, 'page.html', utf8(source));
const md = (source: string) => readOne(markdownImporter, 'note.md', utf8(source));

// The same article each format's fixture holds, paragraph by paragraph.
const LEAD =
  '新华社武汉3月18日电（记者王磊）记者18日从长江水利委员会获悉，受持续降雨影响，长江中游今年首场春汛已于17日平稳通过武汉关，沿线未发生险情。';
const QUOTE = '“今年汛期来得早，我们提前完成了堤防巡查。”武汉市防汛办负责人张华说。';
const HEADLINE = '长江中游今年首场春汛平稳过境';

describe('markdownImporter', () => {
  it('reads a Chinese news article: headings, paragraphs, table rows, quotes and list items, markup removed', () => {
    const doc = fixture(markdownImporter, 'news.md');
    expect(doc.text.split('\n')).toEqual([
      HEADLINE,
      LEAD, // a soft line break between two hanzi joins without a space; bold and link keep their text
      '各站水位',
      '站点\t水位（米）',
      '汉口\t21.35',
      '九江\t14.02',
      QUOTE,
      '长江委提醒：',
      '密切关注水情变化；',
      '及时转移低洼地区群众。',
      '防汛指挥部的值班电话 027-12345678 全天开通 & 接受群众举报。',
    ]);
    expect(doc.title).toBe(HEADLINE);
    expect(doc.text).not.toContain('汛期的武汉关'); // the image and its alt text are dropped
    expect(doc.text).not.toContain('source:'); // so is the front matter
    expect(doc.meta).toEqual({ fileName: 'news.md', encoding: 'UTF-8', format: 'markdown' });
    expect(doc.spans).toEqual([]);
    expect(doc.links).toEqual([]);
  });

  it('takes the first paragraph as title when there is no heading, and keeps code blocks line by line', () => {
    const doc = md('导语第一段。\n\n```\nconst a = 1;\n\n  return a;\n```\n\n- 一\n  - 二\n');
    expect(doc.title).toBe('导语第一段。');
    expect(doc.text).toBe('导语第一段。\nconst a = 1;\nreturn a;\n一\n二');
  });

  it('joins English soft line breaks with a space and Chinese ones without', () => {
    expect(md('first line\nsecond line\n\n中文第一行\n第二行\n\n中文\nEnglish').text).toBe(
      'first line second line\n中文第一行第二行\n中文 English',
    );
  });

  it('decodes a GB18030 file', () => {
    const doc = readOne(markdownImporter, 'gb.md', iconv.encode('# 标题\n\n正文第一段，内容较长一些以便检测编码。\n', 'gb18030'));
    expect(doc.encoding).toBe('GB18030');
    expect(doc.text).toBe('标题\n正文第一段，内容较长一些以便检测编码。');
  });

  it('refuses absurdly nested Markdown with an ImportError instead of overflowing the stack', () => {
    const deep = `${'> '.repeat(10_000)}深\n`;
    expect(() => md(deep)).toThrow(ImportError);
    expect(() => md(deep)).toThrow('nested too deeply');
  });

  it('refuses a file with no text', () => {
    expect(() => md('![只有图片](a.png)\n\n<script>x()</script>\n')).toThrow(DecodeError);
  });
});

describe('htmlImporter', () => {
  it('reads a Chinese news page, dropping scripts, styles, navigation, site header and footer, forms and asides', () => {
    const doc = fixture(htmlImporter, 'news.html');
    expect(doc.text.split('\n')).toEqual([
      HEADLINE, // the article's own <header> is kept
      '2024-03-18 09:30:12　来源：新华网',
      LEAD, // the full-width indent is trimmed; the wrapped source line joins without a space
      '汛期的武汉关。新华社发',
      '站点\t水位（米）',
      '汉口\t21.35',
      '九江\t14.02',
      QUOTE,
      '长江委提醒：',
      '密切关注水情变化；及时转移低洼地区群众。',
      '防汛热线 027-12345678 & 网上举报平台\u00a0全天开通。',
    ]);
    for (const noise of ['广告', '首页', '时政', '相关新闻', '搜索', 'Copyright', 'font-family', '_hmt']) {
      expect(doc.text).not.toContain(noise);
    }
    // The <h1> is the title: the <title> only adds the site's name.
    expect(doc.title).toBe(HEADLINE);
    expect(doc.meta).toEqual({
      fileName: 'news.html',
      encoding: 'UTF-8',
      format: 'html',
      sourceTitle: '长江中游今年首场春汛平稳过境_新华网',
      declaredCharset: 'utf-8',
    });
  });

  it('decodes entities', () => {
    expect(html('<p>A &amp; B &lt;tag&gt; &#x4E2D;&#25991; &copy; &quot;q&quot;</p>').text).toBe('A & B <tag> 中文 © "q"');
  });

  it('collapses whitespace, but a line break between CJK characters vanishes', () => {
    const doc = html('<p>  中文第一行\n   第二行，\n“引号”\n他说。</p><p>two\n  English\t words</p><p>中文\nEnglish\n中文 空格</p>');
    expect(doc.text).toBe('中文第一行第二行，“引号”他说。\ntwo English words\n中文 English 中文 空格');
  });

  it('joins across inline elements and splits at <br> and block elements', () => {
    expect(html('<div>前言<p>中<b>\n</b>国<i>人</i></p>尾声<br>新行<li>条目</div>').text).toBe('前言\n中国人\n尾声\n新行\n条目');
  });

  it('keeps <pre> lines and drops ruby readings and hidden elements', () => {
    expect(html('<pre>\n第一行\n  第二行\n\n</pre><p><ruby>漢<rt>kan</rt></ruby>字</p><p hidden>藏</p>').text).toBe(
      '第一行\n第二行\n漢字',
    );
  });

  it('splits a layout table into paragraphs instead of running its cells together', () => {
    const doc = html('<table><tr><td>导航</td><td><p>正文一。</p><p>正文二。</p></td></tr><tr><td>甲</td><td></td><td>丙</td></tr></table>');
    expect(doc.text).toBe('导航\n正文一。\n正文二。\n甲\t\t丙');
  });

  it('titles a page by <title> when it has no matching <h1>, by <h1> when it has no <title>, else by the first paragraph', () => {
    expect(html('<title>页面标题</title><h1>网站标志</h1><p>正文。</p>').title).toBe('页面标题');
    expect(html('<h1>大标题</h1><p>正文。</p>').title).toBe('大标题');
    expect(html('<p>第一段。</p><p>第二段。</p>').title).toBe('第一段。');
    expect(html('<p>第一段。</p>').meta).not.toHaveProperty('sourceTitle');
  });

  it('honours <meta charset="gb18030">', () => {
    const doc = fixture(htmlImporter, 'news-gb18030.html');
    expect(doc.encoding).toBe('GB18030');
    expect(doc.text).toBe('深圳湾大桥通车十五周年\n本报讯　深圳湾公路大桥今天迎来通车十五周年。十五年来，累计通行车辆超过两亿辆次。\n市民𠀀先生说：“过关越来越方便了。”');
    expect(doc.meta).toMatchObject({ sourceTitle: '深圳湾大桥通车十五周年', declaredCharset: 'gb18030' });
  });

  it('decodes by the declaration where detection alone cannot tell', () => {
    // Traditional hanzi saved as GBK, and a Cyrillic page: decodeText gives up on both.
    const gbk = readOne(htmlImporter, 'gbk.htm', iconv.encode('<meta http-equiv="Content-Type" content="text/html; charset=gbk"><p>臺灣新聞：電話</p>', 'gbk'));
    expect([gbk.encoding, gbk.text]).toEqual(['GB18030', '臺灣新聞：電話']);
    const ru = readOne(htmlImporter, 'ru.html', iconv.encode('<meta charset="windows-1251"><p>Привет, мир</p>', 'windows-1251'));
    expect([ru.encoding, ru.text]).toEqual(['windows-1251', 'Привет, мир']);
  });

  it('reads valid UTF-8 as UTF-8 even when the page still declares gb2312', () => {
    const doc = html('<meta charset="gb2312"><p>重新保存为 UTF-8 的旧网页。</p>');
    expect(doc.encoding).toBe('UTF-8');
    expect(doc.text).toBe('重新保存为 UTF-8 的旧网页。');
    expect(doc.meta).toMatchObject({ declaredCharset: 'gb2312' });
  });

  it('finds the declaration in <meta charset>, http-equiv and the XML declaration, ignoring comments', () => {
    expect(declaredCharset(utf8('<meta charset=GBK>'))).toEqual({ label: 'GBK', encoding: 'GB18030' });
    expect(declaredCharset(utf8('<?xml version="1.0" encoding="Big5"?><html/>'))).toEqual({ label: 'Big5', encoding: 'Big5' });
    expect(declaredCharset(utf8('<!-- <meta charset="big5"> --><p>x</p>'))).toBeUndefined();
    expect(declaredCharset(utf8('<meta charset="no-such-charset">'))).toEqual({ label: 'no-such-charset', encoding: undefined });
  });

  it('reads HTML nested 10,000 levels deep without overflowing the stack', () => {
    const depth = 10_000;
    const deep = `<title>深</title>${'<div><span>'.repeat(depth)}最深处的文字${'</span></div>'.repeat(depth)}<p>之后</p>`;
    expect(html(deep).text).toBe('最深处的文字\n之后');
    const unclosed = `${'<section><b>'.repeat(depth)}未闭合`;
    expect(html(unclosed).text).toBe('未闭合');
    const tables = `${'<table><tr><td>'.repeat(2_000)}单元格`;
    expect(htmlText(tables).paragraphs).toEqual(['单元格']);
  });

  it('refuses a page with no readable text', () => {
    expect(() => html('<html><head><title>空</title><script>x()</script></head><body><nav>菜单</nav></body></html>')).toThrow(
      'the file has no text',
    );
  });
});

// A minimal but complete WordprocessingML package, as Word writes one.
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A .docx whose body is `body` (WordprocessingML), with styles.xml when `styles` is given. */
function docx(body: string, styles?: string): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': utf8(
      `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>' +
        '</Types>',
    ),
    '_rels/.rels': utf8(
      `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        '</Relationships>',
    ),
    'word/_rels/document.xml.rels': utf8(
      `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>' +
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="http://www.cjw.gov.cn/" TargetMode="External"/>' +
        '</Relationships>',
    ),
    'word/document.xml': utf8(
      `${XML}<w:document xmlns:w="${W}" xmlns:r="${R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>${body}<w:sectPr/></w:body></w:document>`,
    ),
    'word/footnotes.xml': utf8(
      `${XML}<w:footnotes xmlns:w="${W}">` +
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>' +
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>' +
        '<w:footnote w:id="1"><w:p><w:r><w:t>数据来源：长江水利委员会水文局。</w:t></w:r></w:p></w:footnote>' +
        '</w:footnotes>',
    ),
  };
  if (styles !== undefined) files['word/styles.xml'] = utf8(`${XML}<w:styles xmlns:w="${W}">${styles}</w:styles>`);
  return zipSync(files);
}

const p = (text: string, props = ''): string => `<w:p>${props ? `<w:pPr>${props}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const cell = (...paragraphs: string[]): string => `<w:tc>${paragraphs.map((t) => p(t)).join('')}</w:tc>`;

// Chinese Word names its heading style "heading 1" but gives it the id "1".
const CHINESE_STYLES =
  '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>' +
  '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>' +
  '<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="新闻导语"/><w:basedOn w:val="a"/></w:style>';

const NEWS_BODY =
  p('新华社客户端', '<w:pStyle w:val="a3"/><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs>') +
  p(HEADLINE, '<w:pStyle w:val="1"/>') +
  '<w:p><w:r><w:t>新华社武汉3月18日电（记者</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>王磊</w:t></w:r><w:r><w:t>）记者18日从</w:t></w:r>' +
  '<w:hyperlink r:id="rId3"><w:r><w:t>长江水利委员会</w:t></w:r></w:hyperlink>' +
  '<w:r><w:t>获悉，受持续降雨影响，长江中游今年首场春汛已于17日平稳通过武汉关，沿线未发生险情。</w:t></w:r>' +
  '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r></w:p>' +
  `<w:tbl><w:tblPr/><w:tr>${cell('站点')}${cell('水位（米）')}</w:tr><w:tr>${cell('汉口')}${cell('21.35')}</w:tr><w:tr>${cell('九江')}${cell('14.02')}</w:tr></w:tbl>` +
  p(QUOTE) +
  '<w:p><w:r><w:t>长江委提醒：</w:t><w:br/><w:t>密切关注水情变化&amp;及时转移群众。</w:t><w:tab/><w:t>（完）</w:t></w:r></w:p>';

describe('docxImporter', () => {
  it('reads a Chinese news article: heading style, hyperlink text, table rows, line breaks; footnotes counted', () => {
    const doc = readOne(docxImporter, 'news.docx', docx(NEWS_BODY, CHINESE_STYLES));
    expect(doc.text.split('\n')).toEqual([
      '新华社客户端',
      HEADLINE,
      LEAD,
      '站点\t水位（米）',
      '汉口\t21.35',
      '九江\t14.02',
      QUOTE,
      '长江委提醒：',
      '密切关注水情变化&及时转移群众。\t（完）',
    ]);
    expect(doc.title).toBe(HEADLINE); // the first paragraph styled "heading 1", not the first paragraph
    expect(doc.text).not.toContain('数据来源');
    expect(doc.meta).toEqual({ fileName: 'news.docx', encoding: 'UTF-8', format: 'docx', footnotes: 1 });
  });

  it('is a package mammoth reads the same way', async () => {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(docx(NEWS_BODY, CHINESE_STYLES)) });
    const ours = readOne(docxImporter, 'news.docx', docx(NEWS_BODY, CHINESE_STYLES)).text.split('\n');
    const theirs = value.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const line of [HEADLINE, LEAD, QUOTE, '长江委提醒：']) {
      expect(ours).toContain(line);
      expect(theirs.some((l) => l.startsWith(line))).toBe(true);
    }
  });

  it('takes the English style ids without styles.xml, and the first paragraph when nothing is a heading', () => {
    expect(readOne(docxImporter, 'a.docx', docx(p('导语。') + p('标题', '<w:pStyle w:val="Heading1"/>'))).title).toBe('标题');
    expect(readOne(docxImporter, 'b.docx', docx(p('第一段。') + p('第二段。'))).title).toBe('第一段。');
  });

  it('skips tracked deletions, field instructions and the fallback copy of a text box, and splits multi-paragraph cells', () => {
    const body =
      '<w:p><w:r><w:t>保留</w:t></w:r><w:del w:id="1"><w:r><w:delText>删除</w:delText></w:r></w:del>' +
      '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' +
      '<w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>' +
      '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>' + p('文本框') + '</w:txbxContent></w:drawing></mc:Choice>' +
      '<mc:Fallback><w:pict><w:txbxContent>' + p('文本框') + '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>' +
      `<w:tbl><w:tr>${cell('左')}${cell('右一', '右二')}</w:tr></w:tbl>`;
    expect(readOne(docxImporter, 'c.docx', docx(body)).text).toBe('文本框\n保留3\n左\n右一\n右二');
  });

  it('refuses a file that is not a zip, or a zip without word/document.xml', () => {
    const notZip = () => readOne(docxImporter, 'fake.docx', utf8('这不是 Word 文件'));
    expect(notZip).toThrow(ImportError);
    expect(notZip).toThrow('not a Word document (.docx)');
    const xlsx = zipSync({ 'xl/workbook.xml': utf8('<workbook/>') });
    expect(() => readOne(docxImporter, 'sheet.docx', xlsx)).toThrow('not a Word document (.docx): the archive has no word/document.xml');
    const doc = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    expect(() => readOne(docxImporter, 'old.docx', doc)).toThrow(/not a Word document \(\.docx\): it is an older Word 97–2003 \.doc/);
  });

  it('refuses a zip bomb by the declared size before inflating it', () => {
    expect(DOCX_LIMITS).toEqual({ maxPartBytes: 200 * 1024 * 1024, maxEntries: 10_000, maxRatio: 100 });
    // 4 MB of zeros deflate to a few kB; a 1 MB limit stands in for the real 200 MB.
    const zeros = `${XML}<w:document xmlns:w="${W}"><w:body>${p('x')}${' '.repeat(4 * 1024 * 1024)}</w:body></w:document>`;
    const bomb = zipSync({ 'word/document.xml': utf8(zeros) }, { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const file = { name: 'bomb.docx', data: bomb };
    expect(() => parseDocx(file, { maxPartBytes: 1024 * 1024, maxEntries: 10 })).toThrow(
      /refused: word\/document\.xml would unpack to 4 MB, over the 1 MB limit/,
    );
    expect(parseDocx(file, { maxPartBytes: 8 * 1024 * 1024, maxEntries: 10 }).documents[0]!.text).toBe('x');
  });

  it('refuses an archive with too many entries', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) files[`junk/${i}.xml`] = utf8('<x/>');
    const data = docx(p('正文'));
    expect(() => parseDocx({ name: 'many.docx', data: zipSync(files) }, { ...DOCX_LIMITS, maxEntries: 20 })).toThrow(
      'refused: the archive has more than 20 entries',
    );
    expect(parseDocx({ name: 'ok.docx', data }, { ...DOCX_LIMITS, maxEntries: 20 }).documents[0]!.text).toBe('正文');
  });
});

describe('importBatch with the document importers', () => {
  let dir: string;
  let store: CorpusStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-docimport-'));
    store = openCorpusStore(path.join(dir, 'corpus.loupe'), { create: true });
    for (const importer of [markdownImporter, htmlImporter, docxImporter]) registerImporter(importer);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('detects each format by extension, stores the documents and reports the format', () => {
    const files = [
      { name: 'news.md', data: fs.readFileSync(path.join(fixtures, 'news.md')) },
      { name: 'pages/news.HTML', data: fs.readFileSync(path.join(fixtures, 'news.html')) },
      { name: 'news-gb18030.htm', data: fs.readFileSync(path.join(fixtures, 'news-gb18030.html')) },
      { name: 'news.docx', data: docx(NEWS_BODY, CHINESE_STYLES) },
      { name: 'broken.docx', data: utf8('not a zip') },
    ];
    const report = importBatch(store, files);
    expect(report.imported.map((r) => [r.name, r.format, r.encoding, r.title])).toEqual([
      ['news.md', 'markdown', 'UTF-8', HEADLINE],
      ['pages/news.HTML', 'html', 'UTF-8', HEADLINE],
      ['news-gb18030.htm', 'html', 'GB18030', '深圳湾大桥通车十五周年'],
      ['news.docx', 'docx', 'UTF-8', HEADLINE],
    ]);
    expect(report.failed).toEqual([{ name: 'broken.docx', error: expect.stringContaining('not a Word document (.docx)') }]);
    const stored = store.getDocument(report.imported[3]!.documentId);
    expect(stored?.text.split('\n')[2]).toBe(LEAD);
    expect(stored?.meta).toMatchObject({ format: 'docx', footnotes: 1 });
  });
});
