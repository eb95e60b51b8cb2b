// Sends through a provider's official Node.js client pointed at the hub, and prints what the client returned as one
// JSON line: {"ok": true, ...} or {"ok": false, "status": ..., "code": ..., "message": ...}.
// Usage: node send.js postmark|postmark-batch|postmark-template|postmark-bad-sender|postmark-inactive|postmark-suppressions|sendgrid|sendgrid-bounces|sendgrid-bad|mailgun|
//        mailgun-mime PORT KEY MARKER
'use strict';
const [scenario, port, key, marker] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const attachment = Buffer.from(`attachment of ${marker}\n`).toString('base64');

function done(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

function failed(e) {
  // postmark: statusCode (HTTP) and code (ErrorCode); @sendgrid/client: code (HTTP) and response.body; mailgun.js: status
  const status = e.statusCode || e.status || (e.response && e.response.statusCode)
    || (scenario.startsWith('sendgrid') ? e.code : undefined);
  done({ ok: false, status, code: e.code, message: e.message, body: e.response && e.response.body,
    error: e.constructor && e.constructor.name, recipients: e.recipients });
}

async function postmark() {
  const postmark = require('postmark');
  const client = new postmark.ServerClient(key, { useHttps: false, requestHost: `127.0.0.1:${port}` });
  const message = {
    From: 'Billing Team <billing@shop.test>', To: 'Bob Müller <bob@remote.test>', Subject: `Grüße ${marker}`,
    TextBody: `Hello Bob\n${marker}`, HtmlBody: `<p>Hello Bob ${marker}</p>`, Tag: 'invoice',
    Headers: [{ Name: 'X-Order', Value: '42' }], Metadata: { order: '42' },
    Attachments: [{ Name: 'rechnung-ä.txt', Content: attachment, ContentType: 'text/plain' }],
  };
  switch (scenario) {
    case 'postmark': return done({ ok: true, response: await client.sendEmail(message) });
    case 'postmark-batch':
      return done({ ok: true, response: await client.sendEmailBatch([
        { ...message, To: 'one@remote.test', Subject: `${marker} one` },
        { ...message, To: 'two@remote.test', Subject: `${marker} two` }]) });
    case 'postmark-template':
      return done({ ok: true, response: await client.sendEmailWithTemplate({
        From: 'billing@shop.test', To: 'bob@remote.test', TemplateAlias: 'welcome',
        TemplateModel: { name: 'Bob', marker } }) });
    case 'postmark-bad-sender':
      return done({ ok: true, response: await client.sendEmail({ ...message, From: 'ceo@bank.test' }) });
    case 'postmark-suppressions': {
      const added = await client.createSuppressions('outbound',
        { Suppressions: [{ EmailAddress: `${marker}@remote.test` }, { EmailAddress: 'not an address' }] });
      const listed = await client.getSuppressions('outbound');
      const deleted = await client.deleteSuppressions('outbound',
        { Suppressions: [{ EmailAddress: `${marker}@remote.test` }] });
      const after = await client.getSuppressions('outbound');
      return done({ ok: true, added, listed, deleted, after });
    }
    case 'postmark-inactive':
      return done({ ok: true, response: await client.sendEmail({ ...message, To: 'gone@remote.test' }) });
    default: throw new Error('unknown scenario ' + scenario);
  }
}

async function sendgrid() {
  const sgMail = require('@sendgrid/mail');
  const { Client } = require('@sendgrid/client');
  const client = new Client();
  client.setApiKey(key);
  client.setDefaultRequest('baseUrl', base);
  sgMail.setClient(client);
  const msg = {
    from: { email: 'billing@shop.test', name: 'Billing Team' },
    personalizations: [{ to: [{ email: 'carol@remote.test', name: 'Carol' }], subject: `SendGrid ${marker}` },
      { to: [{ email: 'dave@remote.test' }], subject: `SendGrid ${marker} for Dave` }],
    content: [{ type: 'text/plain', value: `Hi ${marker}` }, { type: 'text/html', value: `<b>Hi ${marker}</b>` }],
    attachments: [{ content: attachment, filename: 'report.txt', type: 'text/plain', disposition: 'attachment' }],
    categories: ['report'],
  };
  if (scenario === 'sendgrid-bounces') { // an address the hub already suppressed: MARKER@remote.test
    const address = `${marker}@remote.test`;
    const [, listed] = await client.request({ method: 'GET', url: '/v3/suppression/bounces' });
    const [, one] = await client.request({ method: 'GET', url: `/v3/suppression/bounces/${address}` });
    const [deleted] = await client.request({ method: 'DELETE', url: `/v3/suppression/bounces/${address}` });
    const [, after] = await client.request({ method: 'GET', url: '/v3/suppression/bounces' });
    return done({ ok: true, listed, one, deleteStatus: deleted.statusCode, after });
  }
  if (scenario === 'sendgrid-bad') {
    msg.from = { email: 'ceo@bank.test' };
  }
  const [response] = await sgMail.send(msg);
  done({ ok: true, status: response.statusCode, messageId: response.headers['x-message-id'] });
}

async function mailgun() {
  const FormData = require('form-data');
  const Mailgun = require('mailgun.js');
  const mg = new Mailgun(FormData).client({ username: 'api', key, url: base });
  if (scenario === 'mailgun-bounces') {
    const address = `${marker}@remote.test`;
    const created = await mg.suppressions.create('shop.test', 'bounces', { address, code: 550, error: 'gone' });
    const listed = await mg.suppressions.list('shop.test', 'bounces');
    const one = await mg.suppressions.get('shop.test', 'bounces', address);
    const destroyed = await mg.suppressions.destroy('shop.test', 'bounces', address);
    const after = await mg.suppressions.list('shop.test', 'bounces');
    return done({ ok: true, created, listed: listed.items, one, destroyed, after: after.items });
  }
  if (scenario === 'mailgun-mime') {
    const mime = `From: billing@shop.test\r\nTo: erin@remote.test\r\nSubject: MIME ${marker}\r\n\r\nraw ${marker}\r\n`;
    const r = await mg.messages.create('shop.test', { to: 'erin@remote.test',
      message: Buffer.from(mime) });
    return done({ ok: true, response: r });
  }
  const r = await mg.messages.create('shop.test', {
    from: 'Billing <billing@shop.test>', to: ['frank@remote.test'], subject: `Mailgun ${marker}`,
    text: `Hello ${marker}`, html: `<i>Hello ${marker}</i>`, 'h:X-Campaign': 'autumn', 'v:order': '7',
    'o:tag': ['notice'], attachment: [{ filename: 'notes.txt', data: Buffer.from(`attachment of ${marker}\n`) }],
  });
  done({ ok: true, response: r });
}

const run = scenario.startsWith('postmark') ? postmark : scenario.startsWith('sendgrid') ? sendgrid : mailgun;
run().catch(failed);
