package org.aelab.kernel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.reply.CommInfoReply;
import org.dflib.jjava.jupyter.messages.reply.InterruptReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.CommInfoRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;

/**
 * The replies jjava-jupyter gets wrong, made as the v5 message specification has them: every
 * reply to kernel_info, comm_info, history, shutdown and interrupt requests carries
 * {@code "status": "ok"} (jjava's leave it out, and Jupyter's conformance suite stops at the first),
 * and history entries are {@code [session, line, input]} lists rather than objects. Also answers
 * {@code history_request}, which jjava leaves unanswered without a history manager.
 */
final class ProtocolReplies {

    private final BaseKernel kernel;
    private final CellHistory history;

    ProtocolReplies(BaseKernel kernel, CellHistory history) {
        this.kernel = kernel;
        this.history = history;
    }

    /** Replaces jjava's handlers for these requests; call after the kernel's own handlers are set. */
    void install(JupyterConnection connection, CommManager comms) {
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.reply(new KernelInfo(kernel));
        });
        connection.setHandler(MessageType.COMM_INFO_REQUEST, (env, message) -> commInfo(env, message, comms));
        connection.setHandler(MessageType.HISTORY_REQUEST, this::history);
        connection.setHandler(MessageType.SHUTDOWN_REQUEST, this::shutdown);
        connection.setHandler(MessageType.INTERRUPT_REQUEST, (env, message) -> {
            env.setBusyDeferIdle();
            env.defer().reply(new Interrupted());
            kernel.interrupt();
        });
    }

    private void commInfo(ShellReplyEnvironment env, Message<CommInfoRequest> message, CommManager comms) {
        env.setBusyDeferIdle();
        String target = message.getContent().getTargetName();
        Map<String, CommInfoReply.CommInfo> open = new LinkedHashMap<>();
        comms.forEach(comm -> {
            if (target == null || target.equals(comm.getTargetName())) {
                open.put(comm.getID(), new CommInfoReply.CommInfo(comm.getTargetName()));
            }
        });
        env.reply(new CommInfo(open));
    }

    private void history(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        env.setBusyDeferIdle();
        HistoryRequest request = message.getContent();
        boolean output = request.includeOutput();
        List<List<Object>> rows;
        if (request instanceof HistoryRequest.Tail tail) {
            rows = history.tail(tail.getMaxReturnLength(), output);
        } else if (request instanceof HistoryRequest.Range range) {
            rows = history.range(range.getSessionIndex(), range.getStart(), range.getStop(), output);
        } else {
            HistoryRequest.Search search = (HistoryRequest.Search) request;
            rows = history.search(search.getPattern(), search.getMaxReturnLength(), search.filterUnique(), output);
        }
        reply(env, MessageType.HISTORY_REPLY, new History(rows));
    }

    private void shutdown(ShellReplyEnvironment env, Message<ShutdownRequest> message) {
        boolean restart = message.getContent().isRestart();
        env.setBusyDeferIdle();
        reply(env.defer(), MessageType.SHUTDOWN_REPLY, new Shutdown(restart));
        kernel.onShutdown(restart);
        env.resolveDeferrals();
        env.markForShutdown();
    }

    /** Sends content of our own class under one of jjava's message types (whose classes we cannot extend). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void reply(org.dflib.jjava.jupyter.channels.ReplyEnvironment env, MessageType<?> type, Object content) {
        ShellReplyEnvironment shell = (ShellReplyEnvironment) env;
        shell.reply(new Message(shell.getContext(), type, content));
    }

    // Content classes: Gson writes every field, so a subclass adds the missing ones.

    static final class KernelInfo extends KernelInfoReply {
        final String status = "ok";
        final boolean debugger = false;

        KernelInfo(BaseKernel kernel) {
            super(Header.PROTOCOL_VERISON, kernel.getName(), kernel.getVersion(), kernel.getLanguageInfo(),
                    kernel.getBanner(), kernel.getHelpLinks());
        }
    }

    static final class CommInfo extends CommInfoReply {
        final String status = "ok";

        CommInfo(Map<String, CommInfoReply.CommInfo> comms) {
            super(comms);
        }
    }

    static final class Interrupted extends InterruptReply {
        final String status = "ok";
    }

    record History(String status, List<List<Object>> history) {
        History(List<List<Object>> history) {
            this("ok", history);
        }
    }

    record Shutdown(String status, boolean restart) {
        Shutdown(boolean restart) {
            this("ok", restart);
        }
    }
}
