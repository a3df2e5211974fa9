# frozen_string_literal: true

require "time"

module CloudBooks
  # What the API returns: frozen objects with one reader per field.
  #
  # Fields the SDK does not know are ignored, so a newer server never breaks an older SDK.
  # Ids are UUID strings; timestamps are `Time`s in UTC.
  class Model
    class << self
      # The fields, in order: name => how to convert the JSON value.
      def fields
        @fields ||= {}
      end

      def inherited(subclass)
        super
        subclass.instance_variable_set(:@fields, fields.dup)
      end

      # Build from the decoded JSON object (nil stays nil).
      def from_json(data)
        return nil if data.nil?

        new(**fields.to_h { |name, convert| [name, convert.call(data[name.to_s])] })
      end

      private

      def field(name, convert = nil)
        fields[name] = convert || ->(value) { value.frozen? ? value : value.dup.freeze }
        attr_reader name
      end

      def time_field(name)
        field(name, ->(value) { value && Time.iso8601(value).utc })
      end

      def model_field(name, klass)
        field(name, ->(value) { klass.from_json(value) })
      end
    end

    def initialize(**attributes)
      unknown = attributes.keys - self.class.fields.keys
      raise ArgumentError, "unknown attributes: #{unknown.join(", ")}" unless unknown.empty?

      self.class.fields.each_key { |name| instance_variable_set(:"@#{name}", attributes[name]) }
      freeze
    end

    def to_h
      self.class.fields.keys.to_h do |name|
        value = public_send(name)
        [name, value.is_a?(Model) ? value.to_h : value]
      end
    end

    def ==(other)
      other.instance_of?(self.class) && other.to_h == to_h
    end
    alias eql? ==

    def hash
      [self.class, to_h].hash
    end

    def inspect
      fields = to_h.map { |name, value| "#{name}=#{value.inspect}" }.join(", ")
      "#<#{self.class.name} #{fields}>"
    end
  end

  # The caller (`client.users.me`).
  class User < Model
    field :id
    field :email
    field :name
    field :plan
    time_field :created_at
    time_field :updated_at
  end

  # Another user, as a co-member of an organization sees them (`client.users.get(id)`).
  class PublicUser < Model
    field :id
    field :email
    field :name
  end

  class Organization < Model
    field :id
    field :name
    field :slug
    field :description
    field :role # the caller's role in it: "owner", "admin" or "member"
    time_field :created_at
    time_field :updated_at
  end

  # A user's membership of an organization, addressed by the user's id.
  class Member < Model
    model_field :user, PublicUser
    field :role
    time_field :created_at
    time_field :updated_at
  end

  class Project < Model
    field :id
    field :organization # the organization's id
    field :name
    field :description
    field :created_by # the creator's user id; nil once that account is deleted
    time_field :created_at
    time_field :updated_at
  end

  # The credential a request was made with (`whoami.credential`): an AccessTokenCredential
  # or an APIKeyCredential, told apart by `type` (or by class).
  class Credential < Model
    field :type
    field :id
    field :scope # "read_write" or "read_only"
    time_field :created_at
    time_field :expires_at

    def self.from_json(data)
      return nil if data.nil?
      return super unless equal?(Credential)

      klass = data["type"] == "api_key" ? APIKeyCredential : AccessTokenCredential
      klass.from_json(data)
    end

    def access_token? = type == "access_token"
    def api_key? = type == "api_key"
  end

  # A login's access token: `id` is the login's (token family's) id.
  class AccessTokenCredential < Credential; end

  # An API key: `id` is the key's id.
  class APIKeyCredential < Credential
    field :name
    field :prefix
    time_field :last_used_at
  end

  # The caller's hourly budget as `whoami` reports it; the numbers are nil on unlimited plans.
  class PlanRateLimit < Model
    field :plan
    field :limit
    field :remaining
    field :reset
  end

  # Who is calling, with what, and how much budget is left (`client.auth.whoami`).
  class Whoami < Model
    model_field :user, User
    model_field :credential, Credential
    model_field :rate_limit, PlanRateLimit
  end
end
