package dev.hoop.gateway.broker;

import dev.hoop.proto.Packet;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link BrokerTestBase} whose agent is connected (ConnectOK received) before each test and leaves after it. */
abstract class AgentConnectedTestBase extends BrokerTestBase {
    /** What the gateway sent the agent. */
    PacketProbe agentIn;
    /** The agent's side of its stream. */
    StreamObserver<Packet> agentOut;

    @BeforeEach
    void connectTheAgent() throws Exception {
        agentIn = new PacketProbe();
        agentOut = h.connectAgent(agentIn);
    }

    @AfterEach
    void disconnectTheAgent() {
        agentOut.onCompleted();
    }
}
