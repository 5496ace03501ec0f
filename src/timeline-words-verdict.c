/* timeline-words-verdict.c - the words for the response time split and the
 * session's verdict (timeline-verdict.c computes them).  Raw text: reply
 * text from the wire is in it, each output makes it safe. */
#include <string.h>
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"

const char *tlw_cpoint(int cp)
{
	static const char *const n[] = { NULL, "client", "server", "path", "local" };
	return cp >= 0 && cp <= TLCP_LOCAL ? n[cp] : NULL;
}

const char *tlw_outcome(int o)
{
	static const char *const n[] = { "accepted", "deferred", "rejected", "incomplete", "no_mail" };
	return o >= 0 && o <= TLV_NO_MAIL ? n[o] : "?";
}

const char *tlw_end(int e)
{
	static const char *const n[] = { "quit", "no_quit", "reset_by_client", "reset_by_server",
	                                 "capture_ended" };
	return e >= 0 && e <= TLE_CUT_SHORT ? n[e] : "?";
}

const char *tlw_wait(int w)
{
	static const char *const n[] = { "handshake", "greeting", "server_reply", "client",
	                                 "zero_window_server", "zero_window_client",
	                                 "retransmission_timeout", "capture_gap", "close" };
	return w >= 0 && w <= TLWT_CLOSE ? n[w] : "?";
}

/* "4.000 ms" below a second, "7.912 s" from one on */
static void duration(uint64_t ns, struct sbuf *b)
{
	if (ns < 1000000000ull)
		sb_add(b, "%.3f ms", (double)ns / 1e6);
	else
		sb_add(b, "%.3f s", (double)ns / 1e9);
}

void tlw_ms(uint64_t ns, struct sbuf *b)
{
	sb_add(b, "%.3f ms", (double)ns / 1e6);
}

void tlw_est(const struct tl_exchange *x, struct sbuf *b)
{
	if (!x->has_est)
		sb_str(b, "-");
	else if (x->est_clamped)
		sb_str(b, "\u22480");
	else
		tlw_ms(x->est_ns, b);
}

/* "RCPT", "end of data", "the greeting", ... */
static const char *step_name(const struct exchange *x, char *buf, size_t cap)
{
	switch (x->kind) {
	case EXK_GREETING: return "the greeting";
	case EXK_BODY:     return "end of data";
	case EXK_REPLY:    return "a reply with no command";
	default:           return tlw_ex_label(x, buf, cap);
	}
}

static void failure(const struct timeline *t, struct sbuf *b)
{
	const struct tl_verdict *v = &t->verdict;
	const struct exchange *x = &t->s->ex[v->fail_ex];
	const struct tl_exchange *tx = &t->ex[v->fail_ex];
	char vb[24];
	sb_add(b, " at %s: %d", step_name(x, vb, sizeof vb), x->reply_code);
	if (x->reply_text && x->reply_text[0])
		sb_add(b, " %.60s%s", x->reply_text, strlen(x->reply_text) > 60 ? "..." : "");
	if (tx->nrep)
		sb_add(b, " (frame %u)", tx->rep[0]);
}

/* No SYN/ACK and no SMTP: the connection was never made (refused, or no
 * answer in the capture); its end and slowest step say nothing more. */
static int never_connected(const struct timeline *t)
{
	return t->verdict.outcome == TLV_INCOMPLETE && !t->hs[1] && !t->s->nex;
}

static void outcome_words(const struct timeline *t, struct sbuf *b)
{
	const struct tl_verdict *v = &t->verdict;
	switch (v->outcome) {
	case TLV_ACCEPTED:
		if (v->accepted < v->transactions)
			sb_add(b, "accepted %u of %u messages", v->accepted, v->transactions);
		else
			sb_add(b, "accepted (%u message%s)", v->accepted, v->accepted == 1 ? "" : "s");
		if (v->has_fail) {
			sb_str(b, "; also refused");
			failure(t, b);
		}
		break;
	case TLV_DEFERRED:
		sb_str(b, "temporarily refused (4xx, try again later)");
		failure(t, b);
		break;
	case TLV_REJECTED:
		sb_str(b, "rejected (5xx)");
		failure(t, b);
		break;
	case TLV_INCOMPLETE:
		if (never_connected(t)) {
			sb_str(b, t->s->d[DIR_S2C].rst ? "not connected: the server refused it (RST to the SYN)"
			                               : "not connected: no answer to the SYN in the capture");
			break;
		}
		sb_str(b, v->transactions ? "incomplete: a transaction was started but no message was accepted" :
		       t->s->smtp.midstream ? "incomplete: the capture started after the session did" :
		       "incomplete: no message was sent");
		break;
	default:
		sb_str(b, "no message sent (no MAIL command)");
	}
}

static void end_words(const struct timeline *t, struct sbuf *b)
{
	static const char *const w[] = {
		[TLE_QUIT] = "ended with QUIT", [TLE_NO_QUIT] = "closed without QUIT",
		[TLE_RESET_CLIENT] = "reset by the client", [TLE_RESET_SERVER] = "reset by the server",
		[TLE_CUT_SHORT] = "the capture ended before the session did",
	};
	sb_add(b, "; %s", w[t->verdict.end]);
}

static void wait_words(const struct timeline *t, struct sbuf *b)
{
	const struct tl_verdict *v = &t->verdict;
	const char *side = v->wait_dir == DIR_C2S ? "client" : "server";
	char vb[24];
	const struct exchange *x = v->has_slow_ex ? &t->s->ex[v->slow_ex] : NULL;
	switch (v->wait) {
	case TLWT_HANDSHAKE:      sb_str(b, "the handshake"); break;
	case TLWT_GREETING:       sb_str(b, "waiting for the server's greeting"); break;
	case TLWT_SERVER_REPLY:
		sb_str(b, "waiting for the server's reply");
		if (x && x->kind != EXK_REPLY)
			sb_add(b, " to %s", step_name(x, vb, sizeof vb));
		break;
	case TLWT_CLIENT:
		sb_str(b, "waiting for the client");
		if (x && x->kind == EXK_REPLY)
			sb_add(b, " (the server gave up: %d)", x->reply_code);
		else if (x)
			sb_add(b, "'s %s", x->kind == EXK_BODY ? "message" : tlw_ex_label(x, vb, sizeof vb));
		break;
	case TLWT_ZEROWIN_SERVER: sb_str(b, "server zero window"); break;
	case TLWT_ZEROWIN_CLIENT: sb_str(b, "client zero window"); break;
	case TLWT_RETRANS:        sb_add(b, "retransmission timeout (%s)", side); break;
	case TLWT_GAP:            sb_str(b, "bytes not captured before it"); break;
	default:                  sb_add(b, "waiting for the %s to close", side);
	}
}

void tlw_verdict(const struct timeline *t, struct sbuf *b)
{
	const struct tl_verdict *v = &t->verdict;
	sb_str(b, "Verdict: ");
	outcome_words(t, b);
	if (never_connected(t))
		return;
	end_words(t, b);
	if (!v->has_slow)
		return;
	sb_str(b, "; slowest step ");
	duration(v->slow_ns, b);
	sb_str(b, ": ");
	wait_words(t, b);
	sb_add(b, ", frames %u-%u", v->slow_from, v->slow_to);
}

static void cpoint_words(const struct timeline *t, struct sbuf *b)
{
	uint64_t back = t->irtt_ns - t->synack_ns;
	switch (t->cpoint) {
	case TLCP_CLIENT:
		sb_str(b, "captured at the client (SYN/ACK -> ACK ");
		tlw_ms(back, b);
		sb_str(b, "), so Response includes one round trip");
		break;
	case TLCP_SERVER:
		sb_str(b, "captured at the server (SYN -> SYN/ACK short, SYN/ACK -> ACK ");
		tlw_ms(back, b);
		sb_str(b, "), so Response is close to the server's work");
		break;
	case TLCP_PATH:
		sb_str(b, "captured on the path (SYN/ACK -> ACK ");
		tlw_ms(back, b);
		sb_str(b, "): only the round trip beyond the capture point is subtracted");
		break;
	case TLCP_LOCAL:
		sb_str(b, "round trip under 0.2 ms: where it was captured hardly matters");
		break;
	default:
		sb_str(b, "capture point unknown (no complete handshake)");
	}
}

void tlw_timing_legend(const struct timeline *t, int k, struct sbuf *b)
{
	if (k == 0) {
		sb_str(b, "Response: the command's last frame -> the reply's first "
		       "(greeting: the handshake's ACK -> the greeting)");
		return;
	}
	if (!t->has_rtt_used) {
		sb_str(b, "Server est.: - (no SYN -> SYN/ACK time to subtract)");
		return;
	}
	sb_str(b, "Server est.: Response minus SYN -> SYN/ACK ");
	tlw_ms(t->rtt_used_ns, b);
	sb_str(b, ", \u22480 when not above it; ");
	cpoint_words(t, b);
}

void tlw_greeting_wait(const struct timeline *t, struct sbuf *b)
{
	if (!t->has_greet)
		return;
	sb_str(b, "Greeting after handshake: ");
	tlw_ms(t->greet_ns, b);
	for (size_t i = 0; i < t->s->nex; i++)
		if (t->s->ex[i].kind == EXK_GREETING && t->ex[i].nrep) {
			sb_add(b, " (ACK frame %u -> greeting frame %u)", t->hs[2], t->ex[i].rep[0]);
			break;
		}
}
