# frozen_string_literal: true

require "uri"

module CloudBooks
  # A paginated list: an Enumerable over every item of every page, newest first.
  #
  # Nothing is requested until the iteration starts, and each page only when the items before
  # it are used up, so `list.first(3)` fetches one or two pages and `list.lazy` stops early.
  # Each `each` starts again from the first page.
  #
  # The next page is asked for on the list's own path, with the query of the page's `next`
  # link (its cursor, limit and filters): the credential goes only where the client was
  # pointed, even if a proxy rewrote the host in the server's links.
  class ListObject
    include Enumerable

    attr_reader :path, :params

    def initialize(client, path, params, model, request_options)
      @client = client
      @path = path
      @params = params.compact.freeze
      @model = model
      @request_options = request_options
    end

    def each
      return enum_for(:each) unless block_given?

      query = @params
      while query
        page = @client.execute("GET", @path, query: query, options: @request_options)
        (page["results"] || []).each { |item| yield @model.from_json(item) }
        query = next_query(page["next"])
      end
      self
    end

    def inspect
      "#<#{self.class.name} #{@path} #{@params.inspect}>"
    end

    private

    def next_query(link)
      return nil if link.nil? || link.empty?

      URI.decode_www_form(URI(link).query.to_s).to_h
    end
  end
end
