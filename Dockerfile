# Build: docker build -t zt-gateway .
# Run:   docker run --rm -p 8080:8080 -p 9090:9090 -v "$PWD/myconfig:/config:ro" zt-gateway run --config /config/gateway.json
# The config's Listen addresses must be 0.0.0.0 inside a container.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Gateway.sln ./
COPY src/ src/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
COPY config/ /app/config/
# Tiered JIT: start call counting at once instead of after 100 ms without new compilations, which under load never
# comes: the gateway reaches full speed within seconds of traffic instead of about a minute (benchmarks/README.md).
ENV DOTNET_TC_CallCountingDelayMs=0
# Run as the image's unprivileged user; the config is mounted read-only.
USER $APP_UID
EXPOSE 8080 8443 9090
ENTRYPOINT ["dotnet", "Gateway.dll"]
CMD ["run", "--config", "/config/gateway.json"]
