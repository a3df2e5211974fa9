# frozen_string_literal: true

# The test suite runs against a live `python3 dev.py sdk-server` (no mocks of the server).
#
# With CLOUDBOOKS_SDK_SERVER set to the server's JSON line (ci.sh does that, one server for
# every test file), the tests use that server; otherwise this file starts one for the run and
# stops it with SIGTERM at the end, failing the run unless it exits with status 0.
#
# Steps of sdk/conformance/SCENARIO.md are cited in test names (test_s15_…).

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))

require "json"
require "securerandom"
require "socket"
require "tmpdir"
require "minitest/autorun"
require "cloudbooks"

module SdkServer
  REPO = File.expand_path("../../..", __dir__)

  class << self
    def info
      @info ||= ENV["CLOUDBOOKS_SDK_SERVER"] ? JSON.parse(ENV["CLOUDBOOKS_SDK_SERVER"]) : start
    end

    private

    def start
      log = File.join(Dir.tmpdir, "cloudbooks-ruby-sdk-server-#{Process.pid}.log")
      reader, writer = IO.pipe
      pid = Process.spawn("python3", "dev.py", "sdk-server", chdir: REPO, out: writer, err: log)
      writer.close
      line = reader.gets
      abort("sdk-server did not start; see #{log}:\n#{File.read(log)[-3000..]}") unless line
      Minitest.after_run { stop(pid, log) }
      JSON.parse(line)
    end

    def stop(pid, log)
      Process.kill("TERM", pid)
      _, status = Process.wait2(pid)
      return if status.exitstatus&.zero?

      warn "sdk-server exited with #{status.inspect}; see #{log}"
      exit 1
    end
  end
end

# Records every HTTP request it gets (method, path, headers) and answers with the block's
# [status, headers, body] — the "other origin" of S10, or a base that links there.
class RecordingServer
  Request = Struct.new(:method, :path, :headers, keyword_init: true)

  attr_reader :requests

  def initialize(&responder)
    @responder = responder || ->(_request) { [200, {}, {"next" => nil, "previous" => nil, "results" => []}] }
    @requests = Queue.new
    @server = TCPServer.new("127.0.0.1", 0)
    @thread = Thread.new { loop { serve(@server.accept) } }
  end

  def port = @server.addr[1]
  def url = "http://127.0.0.1:#{port}"

  def recorded
    list = []
    list << @requests.pop until @requests.empty?
    list
  end

  def close
    @thread.kill
    @server.close
  end

  private

  def serve(socket)
    method, path = socket.gets.to_s.split
    headers = {}
    while (line = socket.gets) && line != "\r\n"
      name, value = line.split(":", 2)
      headers[name.downcase] = value.strip
    end
    socket.read(headers["content-length"].to_i) if headers["content-length"]
    request = Request.new(method: method, path: path, headers: headers)
    @requests << request
    status, extra, body = @responder.call(request)
    text = JSON.generate(body)
    head = {"Content-Type" => "application/json", "Content-Length" => text.bytesize,
            "Connection" => "close"}.merge(extra)
    socket.write("HTTP/1.1 #{status} X\r\n#{head.map { |k, v| "#{k}: #{v}\r\n" }.join}\r\n#{text}")
  ensure
    socket&.close
  end
end

module ScenarioHelpers
  def server = SdkServer.info
  def base_url = server.fetch("base_url")

  # Olive (the free account) by API key; options as for CloudBooks::Client.new.
  def olive(**options)
    CloudBooks::Client.new(api_key: server.fetch("api_key"), base_url: base_url, **options)
  end

  def olive_login(**options)
    CloudBooks::Client.login(email: server.fetch("email"), password: server.fetch("password"),
                             base_url: base_url, **options)
  end

  def pablo_login(**options)
    CloudBooks::Client.login(email: server.fetch("pro_email"), password: server.fetch("pro_password"),
                             base_url: base_url, **options)
  end

  def read_only(**options)
    CloudBooks::Client.new(api_key: server.fetch("read_only_key"), base_url: base_url, **options)
  end

  def unique(prefix) = "#{prefix} #{SecureRandom.hex(4)}"

  # request_options asking the sdk-server for a fault: "503", times: 2 → "503;times=2;id=…".
  def fault(status, times: 1, after_view: false)
    value = "#{status};times=#{times};id=#{SecureRandom.uuid}"
    value += ";after-view" if after_view
    {headers: {"CloudBooks-Test-Fault" => value}}
  end

  # A client that records the delays it would sleep (and does not sleep) and every attempt.
  def recording(client_factory = :olive, **options)
    delays = []
    events = []
    client = send(client_factory, sleep: ->(seconds) { delays << seconds },
                                  on_request: ->(event) { events << event }, **options)
    [client, delays, events]
  end

  # A local port nothing listens on.
  def closed_port
    server = TCPServer.new("127.0.0.1", 0)
    port = server.addr[1]
    server.close
    port
  end

  def assert_envelope(error, klass, status, code)
    assert_kind_of klass, error
    assert_kind_of CloudBooks::Error, error
    assert_equal status, error.status
    assert_equal code, error.code
    refute_empty error.message
    assert_kind_of Hash, error.details
    assert_match(/\A\S{8,}\z/, error.request_id)
    assert_equal error.headers["x-request-id"], error.request_id
  end
end

class ScenarioTest < Minitest::Test
  include ScenarioHelpers
end
