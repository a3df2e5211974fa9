# frozen_string_literal: true

require "json"
require "net/http"
require "openssl"
require "securerandom"
require "uri"

module CloudBooks
  # One HTTP attempt, as given to the client's `on_request` callback (for logs and metrics).
  # `status` is nil when no answer came (`error` then holds the connection error).
  RequestEvent = Struct.new(:method, :url, :status, :attempt, :request_id, :error, keyword_init: true)

  # A CloudBooks API client.
  #
  #   client = CloudBooks::Client.new(api_key: "sk_live_…")        # or ENV["CLOUDBOOKS_API_KEY"]
  #   client = CloudBooks::Client.login(email: e, password: pw)      # renews its token itself
  #   client.projects.list(limit: 50).each { |project| … }
  #
  # Retries: GET, HEAD, OPTIONS, PUT and DELETE, and every POST (each carries an
  # Idempotency-Key, the same on every attempt), are retried up to `max_retries` times after a
  # connection error, a 429 or a 500/502/503/504, with exponential backoff and jitter, or after
  # the answer's Retry-After when it is at most `max_retry_after` seconds (a longer one raises
  # at once: waiting an hour is the caller's decision). PATCH is never retried: it carries no
  # key, and applying it twice is not always harmless. `sleep:` is how the client waits.
  #
  # A client may be shared by threads: renewing a login's access token happens once, under a
  # lock, however many threads find it expired at the same moment.
  class Client
    DEFAULT_BASE_URL = "https://api.cloudbooks.com/v1"
    DEFAULT_TIMEOUT = 30.0
    DEFAULT_MAX_RETRIES = 2
    RETRYABLE_METHODS = %w[GET HEAD OPTIONS PUT DELETE].freeze
    RETRY_STATUSES = [429, 500, 502, 503, 504].freeze
    # Answers and failures that say the request was not carried out (see `renew_locked`).
    UNPROCESSED_STATUSES = [429, 503].freeze
    NOT_SENT_ERRORS = [Errno::ECONNREFUSED, Net::OpenTimeout, SocketError].freeze
    # Renew the access token this long before it expires, so a request never races expiry.
    REFRESH_LEEWAY = 30.0
    REQUEST_OPTIONS = %i[headers idempotency_key max_retries timeout].freeze
    CONNECTION_ERRORS = [
      SystemCallError, IOError, SocketError, EOFError, Timeout::Error, OpenSSL::SSL::SSLError,
      Net::HTTPBadResponse
    ].freeze
    USER_AGENT = "cloudbooks-ruby/#{VERSION} ruby/#{RUBY_VERSION}".freeze

    # The tokens of a login; `refresh_at` is when to renew `access` (wall-clock time).
    Session = Struct.new(:access, :refresh, :refresh_at, keyword_init: true) do
      def self.from_json(body)
        expires_in = Float(body["expires_in"] || 0)
        leeway = [REFRESH_LEEWAY, expires_in / 2].min
        new(access: body.fetch("token"), refresh: body.fetch("refresh"),
            refresh_at: Time.now + expires_in - leeway).freeze
      end
    end

    attr_reader :base_url, :max_retries, :timeout, :users, :organizations, :projects, :auth

    # The user a login signed in as (nil for an API-key client until it asks `users.me`).
    attr_reader :user

    # The last answer received (status, request id, rate-limit state), whichever thread asked.
    attr_reader :last_response

    # A client signed in with email and password; `options` as for `new`.
    def self.login(email:, password:, **options)
      client = new(api_key: nil, **options)
      client.auth.login(email: email, password: password)
      client
    end

    def initialize(api_key: ENV.fetch("CLOUDBOOKS_API_KEY", nil),
                   base_url: ENV.fetch("CLOUDBOOKS_BASE_URL", DEFAULT_BASE_URL),
                   timeout: DEFAULT_TIMEOUT, max_retries: DEFAULT_MAX_RETRIES,
                   initial_retry_delay: 0.5, max_retry_delay: 8.0, max_retry_after: 60.0,
                   sleep: ->(seconds) { Kernel.sleep(seconds) }, headers: {}, on_request: nil)
      raise ArgumentError, "max_retries must be 0 or more" if max_retries.negative?

      @api_key = api_key
      @base_url = base_url.to_s.chomp("/")
      @base_uri = URI(@base_url)
      unless @base_uri.is_a?(URI::HTTP) && @base_uri.host
        raise ArgumentError, "base_url must be an http(s) URL, not #{base_url.inspect}"
      end

      @timeout = timeout
      @max_retries = max_retries
      @initial_retry_delay = initial_retry_delay
      @max_retry_delay = max_retry_delay
      @max_retry_after = max_retry_after
      @sleep = sleep
      @default_headers = headers.dup.freeze
      @on_request = on_request
      @session = nil
      @session_lock = Mutex.new
      @user = nil
      @last_response = nil
      @users = Resources::Users.new(self)
      @organizations = Resources::Organizations.new(self)
      @projects = Resources::Projects.new(self)
      @auth = Resources::Auth.new(self)
    end

    # The bearer credential sent now: the login's access token, or the API key.
    def access_token
      @session ? @session.access : @api_key
    end

    # The login's current refresh token (nil for an API-key client).
    def refresh_token
      @session&.refresh
    end

    # The rate-limit state after the last answer; nil on unlimited plans.
    def rate_limit
      @last_response&.rate_limit
    end

    def logged_in?
      !@session.nil?
    end

    # Call any endpoint: `path` relative to the base URL (or an absolute URL, which gets the
    # credential only on the base URL's origin). Returns the decoded JSON, or nil.
    def request(method, path, body: nil, query: nil, request_options: nil)
      execute(method, path, body: body, query: query, options: request_options)
    end

    def inspect
      kind = if @session then "login"
             elsif @api_key then "api key"
             else "anonymous"
             end
      "#<#{self.class.name} #{@base_url} (#{kind})>"
    end

    # --- For the resources (not part of the public interface) ---------------------------

    # Sign in: keep the tokens, and the user.
    def start_session(body) # :nodoc:
      @session_lock.synchronize { @session = Session.from_json(body) }
      @user = User.from_json(body["user"]) if body["user"]
    end

    def end_session # :nodoc:
      @session_lock.synchronize { @session = nil }
    end

    # Renew the access token now, whatever its age.
    def refresh_session(options = nil) # :nodoc:
      @session_lock.synchronize do
        raise Error, "refresh needs a client made by Client.login, not an API key" unless @session

        renew_locked(options)
      end
    end

    # The decoded JSON of a successful answer; raises the Error for any other.
    # `only_unprocessed`: retry only what the server cannot have carried out.
    def execute(method, target, body: nil, query: nil, options: nil, authenticated: true, # :nodoc:
                only_unprocessed: false)
      options = check_options(options)
      method = method.to_s.upcase
      uri = resolve(target, query)
      # Never hand the credential to another origin (a `next` link or URL naming another host).
      authenticated &&= same_origin?(uri)
      key = idempotency_key(method, options)
      retryable = RETRYABLE_METHODS.include?(method) || !key.nil?
      max_retries = options.fetch(:max_retries, @max_retries)
      timeout = options.fetch(:timeout, @timeout)
      payload = body.nil? ? nil : JSON.generate(body)
      attempt = 0
      renewed = false
      loop do
        bearer = authenticated ? current_bearer : nil
        headers = request_headers(bearer, key, options, payload)
        begin
          response, raw = transmit(method, uri, headers, payload, timeout)
        rescue *CONNECTION_ERRORS => e
          notify(method, uri, attempt, error: e)
          unsent = NOT_SENT_ERRORS.any? { |klass| e.is_a?(klass) }
          if retryable && attempt < max_retries && (unsent || !only_unprocessed)
            @sleep.call(backoff(attempt))
            attempt += 1
            next
          end
          raise connection_error(e)
        end
        @last_response = response
        notify(method, uri, attempt, response: response)
        if response.status == 401 && bearer && !renewed && renewable?(bearer)
          # The server says the token expired before our clock did (or it was revoked):
          # renew once, and try once more.
          renewed = true
          renew_after_refusal(bearer)
          next
        end
        retry_statuses = only_unprocessed ? UNPROCESSED_STATUSES : RETRY_STATUSES
        if retry_statuses.include?(response.status) && retryable && attempt < max_retries
          delay = retry_delay(attempt, response)
          if delay
            @sleep.call(delay)
            attempt += 1
            next
          end
        end
        return decode(response, raw)
      end
    end

    private

    def check_options(options)
      options ||= {}
      unknown = options.keys - REQUEST_OPTIONS
      raise ArgumentError, "unknown request_options: #{unknown.join(", ")}" unless unknown.empty?

      options
    end

    def resolve(target, query)
      target = target.to_s
      uri = if target.match?(%r{\Ahttps?://}i)
              URI(target)
            else
              URI("#{@base_url}/#{target.delete_prefix("/")}")
            end
      params = (query || {}).compact
      unless params.empty?
        extra = URI.encode_www_form(params)
        uri.query = uri.query ? "#{uri.query}&#{extra}" : extra
      end
      uri
    end

    def same_origin?(uri)
      uri.scheme.casecmp?(@base_uri.scheme) && uri.host.casecmp?(@base_uri.host) &&
        uri.port == @base_uri.port
    end

    def idempotency_key(method, options)
      return nil unless method == "POST"

      key = options.fetch(:idempotency_key, nil)
      return nil if key == false

      key || SecureRandom.uuid
    end

    def request_headers(bearer, key, options, payload)
      headers = {"User-Agent" => USER_AGENT, "Accept" => "application/json"}
      headers["Content-Type"] = "application/json" if payload
      headers.merge!(@default_headers)
      headers.merge!(options.fetch(:headers, {}))
      headers["Idempotency-Key"] = key if key
      headers["Authorization"] = "Bearer #{bearer}" if bearer
      headers
    end

    def transmit(method, uri, headers, payload, timeout)
      http = Net::HTTP.new(uri.host, uri.port)
      http.use_ssl = uri.scheme == "https"
      http.open_timeout = timeout
      http.read_timeout = timeout
      http.write_timeout = timeout
      http.max_retries = 0 # Net::HTTP would retry idempotent requests on its own, uncounted
      request = Net::HTTPGenericRequest.new(method, !payload.nil?, method != "HEAD", uri.request_uri)
      headers.each { |name, value| request[name] = value }
      request.body = payload if payload
      answer = http.start { http.request(request) }
      response_headers = {}
      answer.each_header { |name, value| response_headers[name] = value }
      [Response.new(status: answer.code.to_i, headers: response_headers), answer.body]
    end

    def decode(response, raw)
      success = (200..299).cover?(response.status)
      data = begin
        raw.nil? || raw.empty? ? nil : JSON.parse(raw)
      rescue JSON::ParserError
        if success
          raise APIError.new("The CloudBooks API answered something that is not JSON",
                             status: response.status, request_id: response.request_id,
                             headers: response.headers)
        end
        nil # an error page that is not the envelope: the status still says what happened
      end
      return data if success

      raise Error.from_response(status: response.status, body: data, headers: response.headers)
    end

    def connection_error(error)
      if error.is_a?(Timeout::Error)
        APITimeoutError.new("The CloudBooks API did not answer in time: #{error.message}")
      else
        APIConnectionError.new("Could not connect to the CloudBooks API: #{error.message}")
      end
    end

    def notify(method, uri, attempt, response: nil, error: nil)
      return unless @on_request

      @on_request.call(RequestEvent.new(method: method, url: uri.to_s, status: response&.status,
                                        attempt: attempt, request_id: response&.request_id,
                                        error: error).freeze)
    end

    # The credential for the next attempt, renewing a login's token first if it is due.
    def current_bearer
      session = @session
      if session && Time.now >= session.refresh_at
        @session_lock.synchronize do
          # Another thread may have renewed it while this one waited for the lock.
          renew_locked if @session.equal?(session)
        end
      end
      access_token
    end

    # A 401 to a login's token (this one or an older one) is worth one renewal.
    def renewable?(_bearer)
      !@session.nil?
    end

    def renew_after_refusal(bearer)
      @session_lock.synchronize do
        # Only the first thread refused with this token renews it; the others use the new one.
        renew_locked if @session && @session.access == bearer
      end
    end

    # Refresh tokens rotate and a reused one revokes the whole login, so this runs under the
    # lock: two threads renewing at once would present the same refresh token twice. For the
    # same reason a refresh is retried only when the server cannot have used the token (a 429
    # or 503, a refused connection): the server never replays a refresh by its Idempotency-Key,
    # so retrying one whose answer was lost would present a used token and end the login.
    def renew_locked(options = nil)
      body = execute("POST", "auth/refresh", body: {refresh: @session.refresh}, options: options,
                                             authenticated: false, only_unprocessed: true)
      @session = Session.from_json(body)
    end

    def backoff(attempt)
      ceiling = [@max_retry_delay, @initial_retry_delay * (2**attempt)].min
      (ceiling / 2.0) + (rand * ceiling / 2.0) # "equal jitter": half fixed, half random
    end

    # How long to wait before the next attempt; nil to give up now.
    def retry_delay(attempt, response)
      retry_after = RateLimit.parse_retry_after(response.headers["retry-after"])
      return backoff(attempt) if retry_after.nil?
      return nil if retry_after > @max_retry_after

      retry_after
    end
  end
end
