package io.mailhub.app;

import java.util.Map;

/** The user routes of {@link UserRoutesTestBase} in the YAML DSL. */
class UserRoutesYamlTest extends UserRoutesTestBase {

    @Override
    Map<String, String> routeFiles() {
        return Map.of("policy.camel.yaml", """
                - route:
                    id: policy
                    from:
                      uri: direct:policy
                      steps:
                        - to: "mailhub:rewrite?regex=(.*)@legacy\\\\.test&replacement=$1@client.test"
                        - choice:
                            when:
                              - method:
                                  ref: mailLists
                                  method: "contains('blocked', ${header.MailhubMailFrom})"
                                steps:
                                  - to: "mailhub:reject?text=Sender blocked"
                              - method:
                                  ref: mailHeaders
                                  method: "matches(*, 'Received', '(?i).*from \\\\S*evil\\\\.test .*')"
                                steps:
                                  - to: "mailhub:reject?text=Relayed by a blocked host"
                              - simple: "${header.Subject} contains 'forbidden'"
                                steps:
                                  - to: "mailhub:reject?code=550&enhanced=5.7.1&text=Forbidden words"
                              - simple: "${header.MailhubHasAttachment} == true && ${header.MailhubAttachmentNames} contains '.exe'"
                                steps:
                                  - to: "mailhub:reject?text=Executable attachments are not accepted"
                              - simple: "${header.MailhubMailFrom} == 'erp@client.test'"
                                steps:
                                  - to: "mailhub:copy?to=archive@remote.test"
                                  - to: "mailhub:header?name=X-Archived&value=yes"
                                  - to: "mailhub:subject?prefix=[ERP] "
                              - simple: "${header.MailhubRcptDomains} == 'held.test'"
                                steps:
                                  - to: "mailhub:hold"
                              - simple: "${header.MailhubRcptDomains} == 'spam.test'"
                                steps:
                                  - to: "mailhub:discard?text=spam trap"
                              - simple: "${header.MailhubRcptDomains} == 'gone.test'"
                                steps:
                                  - to: "mailhub:copy?to=legal@remote.test"
                                  - to: "mailhub:discard?text=left the company"
                """, "routing.camel.yaml", """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - to: "mailhub:rewrite?regex=(.*)@old\\\\.test&replacement=$1@remote.test&what=recipients"
                        - filter:
                            simple: "${header.MailhubMailFrom} == 'books@client.test'"
                            steps:
                              - to: "mailhub:copy?to=ledger@remote.test"
                        - to: "mailhub:split"
                        - choice:
                            when:
                              - simple: "${header.MailhubRcptDomains} == 'jms.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.inbox&format=raw"
                              - simple: "${header.MailhubRcptDomains} == 'json.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.json"
                              - simple: "${header.MailhubRcptDomains} == 'file.test'"
                                steps:
                                  - to: "mailhub:file?dir=FILES"
                              - simple: "${header.MailhubRcptDomains} == 'bounce.test'"
                                steps:
                                  - to: "mailhub:bounce?code=550&enhanced=5.7.2&text=Mailbox disabled"
                              - simple: "${header.MailhubRcptDomains} == 'drop.test'"
                                steps:
                                  - to: "mailhub:discard?text=junk"
                              - simple: "${header.MailhubRcptDomains} == 'closed.test'"
                                steps:
                                  - to: "mailhub:copy?to=legal@remote.test"
                                  - to: "mailhub:discard?text=account closed"
                              - simple: "${header.MailhubRcptDomains} == 'audited.test'"
                                steps:
                                  - to: "mailhub:copy?to=audit@remote.test"
                                  - to: "mailhub:bounce?code=550&enhanced=5.7.2&text=Mailbox disabled"
                              - simple: "${header.MailhubRcptDomains} == 'review.test'"
                                steps:
                                  - to: "mailhub:copy?to=journal@remote.test"
                                  - to: "mailhub:hold"
                              - simple: "${header.MailhubRcptDomains} == 'held.test'"
                                steps:
                                  - to: "mailhub:header?name=X-Routed&value=after release"
                              - simple: "${header.MailhubRcptDomains} == 'legal.test'"
                                steps:
                                  - to: "mailhub:subject?prefix=[LEGAL]"
                                  - to: "mailhub:footer?text=Released by legal."
                                  - to: "mailhub:hold"
                              - simple: "${header.MailhubRcptDomains} == 'orders.test'"
                                steps:
                                  - to: "mailhub:copy?to=archive@remote.test"
                                  - to: "mailhub:jms?queue=erp.orders&format=raw"
                              - simple: "${header.MailhubRcptDomains} == 'notify.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.notify&format=raw"
                                  - to: "mailhub:webhook?url=WEBHOOK"
                              - simple: "${header.MailhubRcptDomains} == 'hook.test'"
                                steps:
                                  - to: "mailhub:webhook?url=WEBHOOK&secret=s3cret"
                              - simple: "${header.MailhubRcptDomains} == 'partner.test'"
                                steps:
                                  - to: "mailhub:deliver?nextHop=HOP"
                                  - to: "mailhub:header?name=X-Routed&value=partner"
                """);
    }
}
