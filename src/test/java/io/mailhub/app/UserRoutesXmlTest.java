package io.mailhub.app;

import java.util.Map;

/** The user routes of {@link UserRoutesTestBase} in the XML DSL. */
class UserRoutesXmlTest extends UserRoutesTestBase {

    @Override
    Map<String, String> routeFiles() {
        return Map.of("policy.camel.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="policy">
                    <from uri="direct:policy"/>
                    <to uri="mailhub:rewrite?regex=(.*)@legacy\\.test&amp;replacement=$1@client.test"/>
                    <choice>
                      <when>
                        <method ref="mailLists" method="contains('blocked', ${header.MailhubMailFrom})"/>
                        <to uri="mailhub:reject?text=Sender blocked"/>
                      </when>
                      <when>
                        <method ref="mailHeaders" method="matches(*, 'Received', '(?i).*from \\S*evil\\.test .*')"/>
                        <to uri="mailhub:reject?text=Relayed by a blocked host"/>
                      </when>
                      <when>
                        <simple>${header.Subject} contains 'forbidden'</simple>
                        <to uri="mailhub:reject?code=550&amp;enhanced=5.7.1&amp;text=Forbidden words"/>
                      </when>
                      <when>
                        <simple>${header.MailhubHasAttachment} == true &amp;&amp; ${header.MailhubAttachmentNames} contains '.exe'</simple>
                        <to uri="mailhub:reject?text=Executable attachments are not accepted"/>
                      </when>
                      <when>
                        <simple>${header.MailhubMailFrom} == 'erp@client.test'</simple>
                        <to uri="mailhub:copy?to=archive@remote.test"/>
                        <to uri="mailhub:header?name=X-Archived&amp;value=yes"/>
                        <to uri="mailhub:subject?prefix=[ERP] "/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'held.test'</simple>
                        <to uri="mailhub:hold"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'spam.test'</simple>
                        <to uri="mailhub:discard?text=spam trap"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'gone.test'</simple>
                        <to uri="mailhub:copy?to=legal@remote.test"/>
                        <to uri="mailhub:discard?text=left the company"/>
                      </when>
                    </choice>
                  </route>
                </routes>
                """, "routing.camel.xml", """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="routing">
                    <from uri="direct:routing"/>
                    <to uri="mailhub:rewrite?regex=(.*)@old\\.test&amp;replacement=$1@remote.test&amp;what=recipients"/>
                    <filter>
                      <simple>${header.MailhubMailFrom} == 'books@client.test'</simple>
                      <to uri="mailhub:copy?to=ledger@remote.test"/>
                    </filter>
                    <to uri="mailhub:split"/>
                    <choice>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'jms.test'</simple>
                        <to uri="mailhub:jms?queue=erp.inbox&amp;format=raw"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'json.test'</simple>
                        <to uri="mailhub:jms?queue=erp.json"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'file.test'</simple>
                        <to uri="mailhub:file?dir=FILES"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'bounce.test'</simple>
                        <to uri="mailhub:bounce?code=550&amp;enhanced=5.7.2&amp;text=Mailbox disabled"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'drop.test'</simple>
                        <to uri="mailhub:discard?text=junk"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'closed.test'</simple>
                        <to uri="mailhub:copy?to=legal@remote.test"/>
                        <to uri="mailhub:discard?text=account closed"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'audited.test'</simple>
                        <to uri="mailhub:copy?to=audit@remote.test"/>
                        <to uri="mailhub:bounce?code=550&amp;enhanced=5.7.2&amp;text=Mailbox disabled"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'review.test'</simple>
                        <to uri="mailhub:copy?to=journal@remote.test"/>
                        <to uri="mailhub:hold"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'orders.test'</simple>
                        <to uri="mailhub:copy?to=archive@remote.test"/>
                        <to uri="mailhub:jms?queue=erp.orders&amp;format=raw"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'held.test'</simple>
                        <to uri="mailhub:header?name=X-Routed&amp;value=after release"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'legal.test'</simple>
                        <to uri="mailhub:subject?prefix=[LEGAL]"/>
                        <to uri="mailhub:footer?text=Released by legal."/>
                        <to uri="mailhub:hold"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'notify.test'</simple>
                        <to uri="mailhub:jms?queue=erp.notify&amp;format=raw"/>
                        <to uri="mailhub:webhook?url=WEBHOOK"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'hook.test'</simple>
                        <to uri="mailhub:webhook?url=WEBHOOK&amp;secret=s3cret"/>
                      </when>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'partner.test'</simple>
                        <to uri="mailhub:deliver?nextHop=HOP"/>
                        <to uri="mailhub:header?name=X-Routed&amp;value=partner"/>
                      </when>
                    </choice>
                  </route>
                </routes>
                """);
    }
}
