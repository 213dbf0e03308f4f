// Starts Swagger UI from a served file, so the page's Content-Security-Policy needs no inline
// script. The server writes the configuration as JSON into #swagger-config.
(() => {
  const { oauth2RedirectPath, initOAuth, ...config } = JSON.parse(
    document.getElementById('swagger-config').textContent,
  );
  const ui = SwaggerUIBundle({
    ...config,
    oauth2RedirectUrl: window.location.origin + oauth2RedirectPath,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
  if (initOAuth) ui.initOAuth(initOAuth);
  window.ui = ui;
})();
