# One side of the BEAM↔BEAM distribution benchmark (the same protocol as beamishNode.ts):
#   elixir --sname <name> --cookie bench beam.exs sink
#   elixir --sname <name> --cookie bench beam.exs source <sinkNode> <kind> <total> <window> [size]
defmodule Bench do
  def sink do
    receive do
      {:start, from, total, window} ->
        send(from, {:ready, self()})
        count(from, total, window, 0)
        sink()
    end
  end

  defp count(_from, total, _window, total), do: :ok

  defp count(from, total, window, n) do
    receive do
      _ ->
        n = n + 1
        if rem(n, window) == 0 or n == total, do: send(from, {:ack, n})
        count(from, total, window, n)
    end
  end

  def source(sink_node, kind, total, window, size) do
    send({:sink, sink_node}, {:start, self(), total, window})
    pid = receive do: ({:ready, pid} -> pid)
    payload = if kind == "binary", do: :crypto.strong_rand_bytes(size), else: nil
    t0 = System.monotonic_time(:microsecond)
    acked = loop(pid, payload, 0, total, window, 0)
    wait(acked, total)
    (System.monotonic_time(:microsecond) - t0) / 1000
  end

  defp loop(_pid, _payload, total, total, _window, acked), do: acked

  defp loop(pid, payload, i, total, window, acked) do
    send(pid, if(payload == nil, do: {:msg, i}, else: payload))
    acked = throttle(i + 1, window, acked)
    loop(pid, payload, i + 1, total, window, acked)
  end

  defp throttle(sent, window, acked) when sent - acked >= 2 * window do
    receive do: ({:ack, n} -> throttle(sent, window, n))
  end

  defp throttle(_sent, _window, acked), do: acked

  defp wait(acked, total) when acked >= total, do: :ok
  defp wait(_acked, total), do: receive(do: ({:ack, n} -> wait(n, total)))
end

case System.argv() do
  ["sink"] ->
    Process.register(spawn(&Bench.sink/0), :sink)
    IO.puts("READY")
    Process.sleep(:infinity)

  ["source", sink_node, kind, total, window | rest] ->
    size = case rest, do: ([s] -> String.to_integer(s); [] -> 0)
    true = Node.connect(String.to_atom(sink_node))
    args = [String.to_atom(sink_node), kind, String.to_integer(total), String.to_integer(window), size]
    ms = for _ <- 1..3, do: apply(Bench, :source, args)
    IO.puts(~s({"ms": [#{Enum.join(ms, ", ")}]}))
end
